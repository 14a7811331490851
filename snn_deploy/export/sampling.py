"""Fresh validation inputs drawn like the example input, and a random non-zero state."""

from typing import Any, Dict, List

import torch
from torch import Tensor

from snn_deploy.export.boundary import initial_state
from snn_deploy.export.describe import ExportSignature
from snn_deploy.state import named_tensors

WARM_UP_STEPS = 3  # calls of a step artifact's model that lead to the random validation state


def distribution(example: Tensor) -> Dict[str, Any]:
    """Bernoulli with the example's rate if it holds only 0 and 1, else normal with its mean/std."""
    values = example.detach().double()
    if bool(((values == 0) | (values == 1)).all()):
        return {"kind": "bernoulli", "rate": float(values.mean())}
    return {"kind": "normal", "mean": float(values.mean()), "std": float(values.std()) if values.numel() > 1 else 1.0}


def draw(dist: Dict[str, Any], shape: List[int], dtype: torch.dtype, generator: torch.Generator) -> Tensor:
    """A tensor of ``shape`` from ``dist`` (see :func:`distribution`)."""
    if dist["kind"] == "bernoulli":
        return (torch.rand(shape, generator=generator, dtype=torch.float64) < dist["rate"]).to(dtype)
    return (dist["mean"] + dist["std"] * torch.randn(shape, generator=generator, dtype=torch.float64)).to(dtype)


def input_shape(signature: ExportSignature, batch: int) -> List[int]:
    return [batch if size is None else size for size in signature.inputs[0].shape]


def random_state(
    signature: ExportSignature, dist: Dict[str, Any], batch: int, generator: torch.Generator
) -> List[Tensor]:
    """The eager state reached from the initial state after random inputs: non-zero, realistic
    (spike fields hold spikes), and different for every draw."""
    dtype = signature.trace_args[0].dtype
    first = draw(dist, input_shape(signature, batch), dtype, generator)
    boundary = signature.boundary
    state = [tensor for _, tensor in named_tensors(initial_state(boundary.model, signature.layout, first))]
    if not state:
        return []
    for _ in range(WARM_UP_STEPS if signature.layout.is_step else 1):
        state = list(boundary(draw(dist, input_shape(signature, batch), dtype, generator), *state)[1:])
    return state
