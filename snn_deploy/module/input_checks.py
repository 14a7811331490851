"""Input checks of the plain (non-neuron) modules: a clear ``TypeError``/``ValueError`` naming the
class, what it expected and what came, run in Python (eager, ``torch.compile``, ``torch.export``)
and skipped by TorchScript."""

from typing import Any, Optional

import torch
from torch import Tensor


@torch.jit.unused
def check_float_input(
    owner: str,
    input_tensor: Any,
    min_dim: int,
    layout: str,
    features: Optional[int] = None,
    dtype: Optional[torch.dtype] = None,
) -> None:
    """A floating-point tensor of at least ``min_dim`` dimensions, non-empty, with ``features``
    entries in the last dimension and the weights' ``dtype`` if given."""
    if not isinstance(input_tensor, Tensor):
        raise TypeError(f"{owner}: expected a tensor input {layout}, got {type(input_tensor).__name__}")
    if not input_tensor.is_floating_point():
        raise TypeError(f"{owner}: expected a floating-point input, got dtype {input_tensor.dtype}")
    if input_tensor.dim() < min_dim or input_tensor.numel() == 0:
        raise ValueError(
            f"{owner}: expected a non-empty input of at least {min_dim} dimensions {layout}, "
            f"got shape {tuple(input_tensor.shape)}"
        )
    if dtype is not None and input_tensor.dtype != dtype:
        raise TypeError(f"{owner}: expected an input of the weights' dtype {dtype}, got {input_tensor.dtype}")
    if features is not None and input_tensor.shape[-1] != features:
        raise ValueError(
            f"{owner}: expected {features} input features in the last dimension, "
            f"got {input_tensor.shape[-1]} (input shape {tuple(input_tensor.shape)})"
        )
