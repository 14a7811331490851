"""Accumulators that collect a quantity of a network's run for a regularisation term in the loss."""

from typing import Any, Callable, Optional, Tuple

from torch import Tensor


def spike_accumulator(z: Tensor, state: Any, accumulated: Optional[Tensor] = None) -> Tensor:
    r"""Running spike count :math:`a \leftarrow a + \sum z` (a 0-d tensor)."""
    total = z.sum()
    return total if accumulated is None else accumulated + total


def voltage_accumulator(z: Tensor, state: Any, accumulated: Optional[Tensor] = None) -> Tensor:
    r"""Running sum of membrane voltages :math:`a \leftarrow a + v` (shape of ``state.v``)."""
    return state.v if accumulated is None else accumulated + state.v


def regularize_step(
    z: Tensor,
    state: Any,
    accumulator: Callable[[Tensor, Any, Optional[Any]], Any] = spike_accumulator,
    accumulated: Optional[Any] = None,
) -> Tuple[Tensor, Any]:
    """Return ``(z, accumulator(z, state, accumulated))``: the spikes pass through unchanged."""
    return z, accumulator(z, state, accumulated)
