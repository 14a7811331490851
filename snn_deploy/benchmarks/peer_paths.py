"""Another library's network on its best documented deployment paths: exported with
``torch.onnx.export`` and run in onnxruntime, and under ``torch.compile``.

A peer network comes in one of two forms, plain ``nn.Module``s whatever the library:

- a sequence module, ``forward(x) -> y``: a whole ``(T, B, ...)`` input, from rest, to its output
  sequence (W1-W3);
- a :class:`StepModule`, ``forward(x_t, *state) -> (y_t, *state)``: one step with its state as
  plain tensors, so that an exported step graph takes the state as inputs and returns it as
  outputs (W4); ``rest_state(x_t)`` is the state a stream starts from.

Each path builds a :class:`snn_deploy.benchmarks.backends.Runner`, timed exactly like this
package's backends. The ONNX path exports with torch's default exporter (``dynamo=True``) and,
if that fails, with the TorchScript-based one (``dynamo=False``), as a user would; the one used
goes into the runner's ``details``. onnxruntime runs on the CPU with as many threads as torch
(on a CUDA device, its CUDA provider where installed, inputs copied from host memory).
"""

import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np
import torch
from torch import Tensor, nn
from torch.utils import _pytree as pytree

from snn_deploy.benchmarks.backends import Runner, StepFunction
from snn_deploy.benchmarks.ort_session import carried_step, onnxruntime_session


class StepModule(nn.Module):
    """One step of a network with its state as tensors: ``forward(x_t, *state) -> (y_t, *state)``."""

    def rest_state(self, x_t: Tensor) -> List[Tensor]:
        """The state a stream of inputs shaped like ``x_t`` starts from."""
        raise NotImplementedError


class Unrolled(nn.Module):
    """A sequence module from a :class:`StepModule`: T steps from rest, outputs stacked,
    ``y = stack([y_0, ..., y_{T-1}])``."""

    def __init__(self, step: StepModule):
        super().__init__()
        self.step = step

    def forward(self, x: Tensor) -> Tensor:
        state = self.step.rest_state(x[0])
        outputs = []
        for x_t in x:
            output, *state = self.step(x_t, *state)
            outputs.append(output)
        return torch.stack(outputs)


class FlatStateStep(StepModule):
    """A one-step module ``model(x_t, state) -> (output, state)`` whose state is a tree (lists,
    tuples, NamedTuples; ``None`` for the first step or a stateless layer), as norse's, with the
    state's tensors as the step's state. :meth:`rest_state` finds the tree's structure with one
    probe step, and gives zeros: rest for neurons whose resting values are zero (norse's
    defaults, ``v_leak = 0``)."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model
        self.structure: Optional[pytree.TreeSpec] = None
        self.tensor_leaves: List[bool] = []  # which leaves of the tree are tensors (the others are None)

    def rest_state(self, x_t: Tensor) -> List[Tensor]:
        with torch.no_grad():
            _, state = self.model(x_t, None)
        leaves, self.structure = pytree.tree_flatten(state)
        self.tensor_leaves = [isinstance(leaf, Tensor) for leaf in leaves]
        return [torch.zeros_like(leaf) for leaf in leaves if isinstance(leaf, Tensor)]

    def forward(self, x_t: Tensor, *state: Tensor):
        if self.structure is None:
            raise RuntimeError("FlatStateStep: call rest_state first, it finds the state's structure")
        given = iter(state)
        leaves = [next(given) if is_tensor else None for is_tensor in self.tensor_leaves]
        output, new_state = self.model(x_t, pytree.tree_unflatten(leaves, self.structure))
        return (output, *[leaf for leaf in pytree.tree_leaves(new_state) if isinstance(leaf, Tensor)])


def _example_inputs(module: nn.Module, example: Tensor) -> Tuple[Tensor, ...]:
    """The call a module is exported or compiled with: ``(x,)`` for a sequence module, the first
    step and the rest state for a step module (``example`` is ``(T, B, ...)`` either way)."""
    if isinstance(module, StepModule):
        return (example[0], *module.rest_state(example[0]))
    return (example,)


def export_onnx(module: nn.Module, inputs: Tuple[Tensor, ...], path: Path) -> str:
    """``torch.onnx.export(module, inputs, path)`` with the default exporter, else the
    TorchScript-based one; returns the one that worked ("dynamo" or "torchscript"). If both fail,
    the error names both failures."""
    failures = []
    for dynamo in (True, False):
        try:
            torch.onnx.export(module, inputs, str(path), dynamo=dynamo, verbose=False)
            return "dynamo" if dynamo else "torchscript"
        except Exception as error:
            failures.append(f"dynamo={dynamo}: {type(error).__name__}: {(str(error).splitlines() or [''])[0][:200]}")
    raise RuntimeError("torch.onnx.export failed; " + "; ".join(failures))


def _numpy(tensor: Tensor) -> np.ndarray:
    return tensor.detach().cpu().numpy()


def onnx_path(module: nn.Module, example: Tensor, workdir: Path, device: torch.device) -> Runner:
    """``module`` exported to ONNX (see :func:`export_onnx`) and run in an onnxruntime session;
    a :class:`StepModule` is exported as one step with its state as inputs and outputs, and its
    stream passes the returned state into the next call."""
    path = workdir / f"peer-{id(module)}.onnx"
    start = time.perf_counter()
    inputs = _example_inputs(module, example)
    with torch.no_grad():
        exporter = export_onnx(module, inputs, path)
    session = onnxruntime_session(str(path), device)
    seconds = time.perf_counter() - start
    names = [node.name for node in session.get_inputs()]
    if len(names) != len(inputs):
        raise RuntimeError(f"the exported graph takes {len(names)} inputs, the module {len(inputs)}")
    details = {"exporter": exporter}
    if not isinstance(module, StepModule):
        return Runner(
            run=lambda x: session.run(None, {names[0]: x})[0],
            stream=None,
            prepare_seconds=seconds,
            to_input=_numpy,
            details=details,
        )

    def start_stream(batch: int) -> StepFunction:
        return carried_step(session, [_numpy(tensor) for tensor in module.rest_state(example[0])])

    return Runner(run=None, stream=start_stream, prepare_seconds=seconds, to_input=_numpy, details=details)


def compile_path(module: nn.Module, example: Tensor, workdir: Path, device: torch.device) -> Runner:
    """``torch.compile(module)`` with its defaults (graph breaks allowed, as a user would call
    it); compile time is measured on the first call."""
    compiled = torch.compile(module)
    inputs = _example_inputs(module, example)
    start = time.perf_counter()
    compiled(*inputs)
    seconds = time.perf_counter() - start
    if not isinstance(module, StepModule):
        return Runner(run=compiled, stream=None, prepare_seconds=seconds)

    def start_stream(batch: int) -> StepFunction:
        state = module.rest_state(example[0])

        def step(x_t: Tensor) -> Tensor:
            output, *state[:] = compiled(x_t, *state)
            return output

        return step

    return Runner(run=None, stream=start_stream, prepare_seconds=seconds)


PEER_PATHS: Dict[str, Callable[[nn.Module, Tensor, Path, torch.device], Runner]] = {
    "onnx": onnx_path,
    "compile": compile_path,
}
