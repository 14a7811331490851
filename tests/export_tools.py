"""Shared by the export tests: example inputs per mode, eager references, stock loaders."""

import numpy as np
import onnxruntime
import torch

from snn_deploy.export import model_kind
from snn_deploy.state import named_tensors

T_EXPORT = 4  # time steps of the sequence artifacts in the tests: small, so the matrix stays fast


def example(case, model, step, seed=0):
    """One artifact call's input drawn from the case: ``(T, B, ...)``, ``(B, ...)`` for step mode
    and encoders."""
    kind = model_kind(model)
    generator = torch.Generator().manual_seed(seed)
    draw = lambda: case.inputs(generator, torch.float32)[0]  # noqa: E731
    if kind == "cell":
        return draw() if step else torch.stack([draw() for _ in range(T_EXPORT)])
    if kind == "encoder":
        return draw()
    sequence = draw()[:T_EXPORT]
    return sequence[0] if step else sequence


def eager(model, step, input_tensor, state):
    """The model's own result for one artifact call, as a flat list ``[output, *new_state]``."""
    kind = model_kind(model)
    stateful = state is not None
    call = (lambda x, s: model(x, s)) if stateful else (lambda x, s: (model(x), None))
    with torch.no_grad():
        if kind == "cell" and not step:
            outputs = []
            for x_t in input_tensor:
                out, state = call(x_t, state)
                outputs.append(out)
            output = torch.stack(outputs)
        elif kind == "sequence" and step:
            output, state = call(input_tensor[None], state)
            output = output[0]
        else:
            output, state = call(input_tensor, state)
    return [output] + [tensor for _, tensor in named_tensors(state)]


def eager_initial_state(model, step, input_tensor):
    from snn_deploy.export.boundary import initial_state, layout_of

    return initial_state(model, layout_of(model, step), input_tensor)


def stock_runner(path, format_name):
    """Run an artifact with its stock loader only: a list of tensors in, a list of tensors out."""
    if format_name == "onnx":
        session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        names = [value.name for value in session.get_inputs()]
        return lambda tensors: [
            torch.from_numpy(np.asarray(a))
            for a in session.run(None, {n: t.detach().numpy() for n, t in zip(names, tensors)})
        ]
    module = torch.jit.load(str(path)) if format_name == "torchscript" else torch.export.load(str(path)).module()
    return lambda tensors: [t.detach() for t in module(*tensors)]
