"""Accumulators that collect a quantity of a network's run for a regularisation term in the loss.

The argument names are norse 1.1's: ``(z, s, state)`` for the spikes, the neuron state and the
accumulated regularisation state.
"""

from typing import Any, Callable, Optional, Tuple

from torch import Tensor

Accumulator = Callable[[Tensor, Any, Optional[Any]], Any]


def spike_accumulator(z: Tensor, _: Any, state: Optional[Tensor] = None) -> Tensor:
    r"""Running spike count :math:`a \leftarrow a + \sum z` (a 0-d tensor)."""
    total = z.sum()
    return total if state is None else state + total


def voltage_accumulator(z: Tensor, s: Any, state: Optional[Tensor] = None) -> Tensor:
    r"""Running sum of membrane voltages :math:`a \leftarrow a + v` (shape of ``s.v``)."""
    return s.v if state is None else state + s.v


def regularize_step(
    z: Tensor,
    s: Any,
    accumulator: Accumulator = spike_accumulator,
    state: Optional[Any] = None,
) -> Tuple[Tensor, Any]:
    """Return ``(z, accumulator(z, s, state))``: the spikes pass through unchanged."""
    return z, accumulator(z, s, state)
