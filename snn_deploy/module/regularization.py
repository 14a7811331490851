"""``RegularizationCell``: accumulate a quantity (spike count, voltage) across calls for a loss term."""

from typing import Any, Callable, Optional, Tuple

import torch
from torch import Tensor, nn

from snn_deploy.functional.regularization import spike_accumulator, voltage_accumulator


class RegularizationCell(nn.Module):
    r"""Pass spikes through and accumulate :math:`a \leftarrow \text{accumulator}(z, s, a)`.

    ``forward(z, s) -> (z, a)``. With the default :func:`spike_accumulator`, ``a`` is the total
    spike count so far; :func:`voltage_accumulator` sums ``s.v``. ``state`` is the starting value
    (``None``: start from nothing). Reset with ``cell.state = None``.

    The two built-in accumulators script with TorchScript; a custom accumulator runs in Python.
    """

    state: Optional[Tensor]

    def __init__(self, accumulator: Callable = spike_accumulator, state: Optional[Any] = None):
        super().__init__()
        self.accumulator = accumulator
        self.state = state
        self.accumulates_voltage = accumulator is voltage_accumulator

    def forward(self, z: Tensor, s: Any) -> Tuple[Tensor, Tensor]:
        if not torch.jit.is_scripting() and not isinstance(z, Tensor):
            raise TypeError(f"RegularizationCell: expected a tensor of spikes z, got {type(z).__name__}")
        if torch.jit.is_scripting():
            summand = z.sum() if not self.accumulates_voltage else _voltage_of(s)
            state = self.state
            accumulated = summand if state is None else state + summand
        else:
            accumulated = self.accumulator(z, s, self.state)
        self.state = accumulated
        return z, accumulated

    def __prepare_scriptable__(self) -> nn.Module:
        if self.accumulator is not spike_accumulator and self.accumulator is not voltage_accumulator:
            raise TypeError(
                "RegularizationCell: only spike_accumulator and voltage_accumulator script; "
                f"got {getattr(self.accumulator, '__name__', self.accumulator)!r}"
            )
        return self


def _voltage_of(state: Any) -> Tensor:
    """The ``v`` field of a neuron state passed as ``Any`` in TorchScript."""
    if torch.jit.isinstance(state, Tuple[Tensor, Tensor]):
        return state[0]
    if torch.jit.isinstance(state, Tuple[Tensor, Tensor, Tensor]):
        return state[1]
    raise TypeError("RegularizationCell: voltage_accumulator needs a state with a 'v' field")
