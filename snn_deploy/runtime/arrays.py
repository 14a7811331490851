"""numpy/torch array helpers that never import torch: torch is used only when the caller's
arrays already are torch tensors, in which case it is in ``sys.modules``."""

import functools
import sys
from typing import Any, List, Sequence

import numpy as np


def is_torch(value: Any) -> bool:
    """True for a ``torch.Tensor``, without importing torch."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) or is_torch(value)


def dtype_name(value: Any) -> str:
    """``"float32"`` for both ``np.float32`` arrays and ``torch.float32`` tensors."""
    return _name_of(value.dtype)


@functools.lru_cache(maxsize=64)
def _name_of(dtype: Any) -> str:
    """Cached: numpy computes ``dtype.name`` anew on each access (microseconds, on every check)."""
    if isinstance(dtype, np.dtype):
        return dtype.name if dtype.isnative else str(dtype)  # ">f4": not float32 to onnxruntime
    return str(dtype).removeprefix("torch.")


def to_numpy(value: Any) -> np.ndarray:
    """A contiguous numpy array (a copy to host memory for device tensors)."""
    if is_torch(value):
        value = value.detach().cpu().numpy()
    return np.ascontiguousarray(value)


def concat(values: Sequence[Any], axis: int = 0) -> Any:
    """Concatenate along ``axis`` (by default the time axis, 0), numpy or torch alike."""
    if len(values) == 1:
        return values[0]
    if is_torch(values[0]):
        return sys.modules["torch"].cat(list(values), dim=axis)
    return np.concatenate(values, axis=axis)


def split(value: Any, sizes: Sequence[int], axis: int) -> List[Any]:
    """``value`` cut along ``axis`` into consecutive parts of ``sizes``, numpy or torch alike."""
    if is_torch(value):
        return list(value.split(list(sizes), dim=axis))
    return np.split(value, np.cumsum(sizes)[:-1], axis=axis)


def stack(values: Sequence[Any]) -> Any:
    """Stack single time steps into a sequence (new axis 0), numpy or torch alike."""
    if is_torch(values[0]):
        return sys.modules["torch"].stack(list(values))
    return np.stack(values)


def copy_of(value: Any) -> Any:
    """A copy that shares no memory with ``value``, numpy or torch alike."""
    return value.clone() if is_torch(value) else np.array(value, copy=True)
