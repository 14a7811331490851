"""Validate a written artifact against eager, run the way users run it: in a
:class:`snn_deploy.runtime.Session` opened on the file.

Every check compares with eager on fresh inputs (:mod:`snn_deploy.export.sampling`):

* one call from a random non-zero state (what is recorded beside the manifest);
* a sequence artifact: two chunks of ``T`` in one ``run``, the state carried between them;
* a step artifact: a sequence of :data:`STEPS` steps in one ``run``, and a stream of
  :data:`STEPS` steps from the initial state (its outputs and its final state), which runs on
  the bound state of onnxruntime where the runtime binds it.

So a fault of the runtime's chunking, stepping, streaming or state handling fails the export.
"""

from typing import Any, Dict, List, Tuple

import numpy as np
import torch
from torch import Tensor

from snn_deploy import runtime
from snn_deploy.artifact.compare import compare, tolerance
from snn_deploy.export.boundary import initial_state
from snn_deploy.export.describe import ExportSignature
from snn_deploy.export.sampling import distribution, draw, input_shape, random_state
from snn_deploy.manifest import OUTPUT_NAME
from snn_deploy.runtime.replay import run_call, state_outputs
from snn_deploy.state import named_tensors

STEPS = 3  # time steps of the stepped and streamed checks of a step artifact


def _numpy(tensors: "Tuple[Tensor, ...] | List[Tensor]") -> List[np.ndarray]:
    return [tensor.numpy() for tensor in tensors]


def _eager_calls(signature: ExportSignature, inputs: List[Tensor], state: List[Tensor]) -> List[np.ndarray]:
    """Eager's outputs of consecutive calls on ``inputs`` (concatenated along time) and its
    final state, as ``[output, *new_state]``."""
    outputs = []
    for x in inputs:
        output, *state = signature.boundary(x, *state)
        outputs.append(output)
    stacked = torch.cat(outputs) if signature.layout.is_chunked else torch.stack(outputs)
    return _numpy([stacked, *state])


def _check(signature: ExportSignature, how: str, actual: List[np.ndarray], expected: List[np.ndarray]) -> None:
    names = [f"{name} ({how})" for name in signature.output_names]
    compare(names, actual, expected, [f"{OUTPUT_NAME} ({how})"])


def _check_chunks(session: runtime.Session, signature: ExportSignature, draws: List[Tensor], state: List[Tensor]):
    """Two chunks of a sequence artifact in one ``run``, from ``state``."""
    paths = session.state_paths
    output, new_state = session.run(torch.cat(draws).numpy(), dict(zip(paths, _numpy(state))))
    _check(signature, "2 chunks", [output, *state_outputs(session, new_state)], _eager_calls(signature, draws, state))


def _check_steps(session: runtime.Session, signature: ExportSignature, draws: List[Tensor], state: List[Tensor]):
    """A step artifact on a sequence of steps in one ``run`` from ``state``, and in a stream
    from the initial state."""
    paths = session.state_paths
    output, new_state = session.run(torch.stack(draws).numpy(), dict(zip(paths, _numpy(state))))
    stepped = [output, *state_outputs(session, new_state)]
    _check(signature, f"{len(draws)} steps in one run", stepped, _eager_calls(signature, draws, state))
    stream = session.stream(draws[0].shape[signature.input_batch_axis])
    streamed = np.stack([stream.step(x.numpy()) for x in draws])
    start = [tensor for _, tensor in named_tensors(initial_state(signature.boundary.model, signature.layout, draws[0]))]
    _check(
        signature,
        f"{len(draws)} steps streamed",
        [streamed, *state_outputs(session, stream.state)],
        _eager_calls(signature, draws, start),
    )


def validate(
    session: runtime.Session, signature: ExportSignature, example: Tensor, batch: int, seed: int
) -> Tuple[Dict[str, Any], Dict[str, np.ndarray]]:
    """Run the artifact in ``session`` and eager on the same fresh inputs (see the module
    docstring); return the validation summary and the recorded inputs and eager outputs of the
    first check, or raise a :class:`ValidationError`."""
    generator = torch.Generator().manual_seed(seed)
    dist = distribution(example)
    dtype = signature.trace_args[0].dtype
    layout = signature.layout

    def fresh() -> Tensor:
        return draw(dist, input_shape(signature, batch), dtype, generator)

    with torch.no_grad():
        state = random_state(signature, dist, batch, generator)
        args = (fresh(), *state)
        expected = _numpy(signature.boundary(*args))
        inputs = _numpy(args)
        recorded = dict(zip(signature.input_names, inputs))
        actual = run_call(session, recorded)
        time_major = [] if layout.is_step else [OUTPUT_NAME]
        figures = compare(signature.output_names, actual, expected, time_major)
        checks = ["one call"]
        if layout.is_chunked:
            _check_chunks(session, signature, [fresh(), fresh()], state)
            checks.append("2 chunks in one run")
        elif layout.is_step:
            _check_steps(session, signature, [fresh() for _ in range(STEPS)], state)
            checks += [f"{STEPS} steps in one run", f"{STEPS} steps streamed"]
    summary = {
        "passed": True,
        "batch": batch,
        "seed": seed,
        "input_distribution": dist,
        "state": "eager state after random inputs from the initial state",
        "tolerance": tolerance(signature.inputs[0].dtype),
        "outputs": figures,
        "runtime_checks": checks,
    }
    recorded.update(zip(signature.output_names, expected))
    return summary, recorded
