"""Readouts: turn a network's outputs over time ``(T, B, C)`` into per-class scores ``(B, C)``.

Each function takes a numpy array or a torch tensor and returns the same kind (torch results keep
their gradient where the readout has one), so the same code scores eager outputs in training and
runtime outputs in production; importing this module imports numpy only.

* :func:`max_over_time`: ``max_t v[t]``, the peak voltage of a non-spiking readout (``LI``).
* :func:`last_step`: ``v[T-1]``, the final voltage.
* :func:`spike_count`: ``sum_t z[t]``, the rate code of a spiking output layer.
* :func:`first_spike`: ``min {t : z[t] > 0}`` (``T`` where a neuron never fires), the latency code.

:func:`class_scores` picks one by name; for ``"first_spike"`` the score is ``T - first_spike``, so
that, as for the others, the highest score wins and a neuron that never fires scores 0.
"""

from typing import TYPE_CHECKING, Callable, Dict, TypeVar, Union

import numpy as np

if TYPE_CHECKING:
    import torch

Array = TypeVar("Array", np.ndarray, "torch.Tensor")


def _check(outputs: Union[np.ndarray, "torch.Tensor"], name: str) -> None:
    if not hasattr(outputs, "shape") or not hasattr(outputs, "ndim"):
        raise TypeError(f"{name}: expected a numpy array or a torch tensor, got {type(outputs).__name__}")
    if outputs.ndim < 1 or outputs.shape[0] == 0:
        raise ValueError(f"{name}: expected outputs with a non-empty time axis first, got shape {tuple(outputs.shape)}")


def max_over_time(outputs: Array) -> Array:
    """``max_t outputs[t]`` over the leading time axis."""
    _check(outputs, "max_over_time")
    return outputs.max(axis=0) if isinstance(outputs, np.ndarray) else outputs.amax(dim=0)


def last_step(outputs: Array) -> Array:
    """``outputs[T-1]``, the values after the last time step."""
    _check(outputs, "last_step")
    return outputs[-1]


def spike_count(spikes: Array) -> Array:
    """``sum_t spikes[t]``, the number of spikes of each neuron over the leading time axis."""
    _check(spikes, "spike_count")
    return spikes.sum(axis=0) if isinstance(spikes, np.ndarray) else spikes.sum(dim=0)


def first_spike(spikes: Array) -> Array:
    """The first time step at which each neuron spikes (``spikes > 0``), ``T`` where it never does;
    integer (int64) indices."""
    _check(spikes, "first_spike")
    steps = spikes.shape[0]
    fired = spikes > 0
    if isinstance(fired, np.ndarray):
        return np.where(fired.any(axis=0), fired.argmax(axis=0), steps).astype(np.int64)
    import torch

    return torch.where(fired.any(dim=0), fired.to(torch.uint8).argmax(dim=0), steps)


def _latency_scores(spikes: Array) -> Array:
    return spikes.shape[0] - first_spike(spikes)


READOUTS: Dict[str, Callable] = {
    "max": max_over_time,
    "last": last_step,
    "count": spike_count,
    "first_spike": _latency_scores,
}


def class_scores(outputs: Array, readout: str) -> Array:
    """Scores ``(B, C)`` of outputs ``(T, B, C)`` by the readout named ``readout`` (a key of
    ``READOUTS``: ``max``, ``last``, ``count``, ``first_spike``); the predicted class is the argmax."""
    if readout not in READOUTS:
        raise ValueError(f"unknown readout {readout!r}; expected one of {', '.join(READOUTS)}")
    return READOUTS[readout](outputs)
