"""Validate an artifact against eager on fresh inputs and a random non-zero state."""

from typing import Any, Callable, Dict, List, Tuple

import numpy as np
import torch
from torch import Tensor

from snn_deploy.export.compare import compare, tolerance
from snn_deploy.export.describe import ExportSignature
from snn_deploy.export.sampling import distribution, draw, input_shape, random_state
from snn_deploy.manifest import OUTPUT_NAME

Runner = Callable[[List[np.ndarray]], List[np.ndarray]]


def time_major_outputs(signature: ExportSignature) -> List[str]:
    """Outputs whose first axis is time, for locating a mismatch at a time step."""
    return [] if signature.step else [OUTPUT_NAME]


def validate(
    runner: Runner, signature: ExportSignature, example: Tensor, batch: int, seed: int
) -> Tuple[Dict[str, Any], Dict[str, np.ndarray]]:
    """Run ``runner`` (the artifact through its stock loader) and eager on the same fresh inputs;
    return the validation summary and the recorded inputs and eager outputs, or raise a
    :class:`ValidationError`."""
    generator = torch.Generator().manual_seed(seed)
    dist = distribution(example)
    dtype = signature.trace_args[0].dtype
    with torch.no_grad():
        state = random_state(signature, dist, batch, generator)
        args = (draw(dist, input_shape(signature, batch), dtype, generator), *state)
        expected = [tensor.numpy() for tensor in signature.boundary(*args)]
    inputs = [tensor.numpy() for tensor in args]
    actual = runner(inputs)
    figures = compare(signature.output_names, actual, expected, time_major_outputs(signature))
    summary = {
        "passed": True,
        "batch": batch,
        "seed": seed,
        "input_distribution": dist,
        "state": "eager state after random inputs from the initial state",
        "tolerance": tolerance(signature.inputs[0].dtype),
        "outputs": figures,
    }
    recorded = dict(zip(signature.input_names, inputs))
    recorded.update(zip(signature.output_names, expected))
    return summary, recorded
