"""Leaky integrate-and-fire modules: ``LIFCell``, ``LIF``, ``LIFRecurrentCell``, ``LIFRecurrent``.

See :mod:`snn_deploy.functional.lif` for the equations and the step order.
"""

from typing import Optional, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.lif import (
    LIFFeedForwardState,
    LIFParameters,
    LIFState,
    lif_feed_forward_step,
    lif_step,
)
from snn_deploy.module.snn import SNN, SNNCell, SNNRecurrent, SNNRecurrentCell


class _LIFFeedForward:
    """Feed-forward LIF dynamics: the input is a current added to :math:`i` every step."""

    p: LIFParameters

    def __init__(self, p: LIFParameters = LIFParameters(), dt: float = 0.001):
        super().__init__(p, dt)

    def initial_step_state(self, input_tensor: Tensor) -> LIFFeedForwardState:
        """:math:`v = v_{\\text{leak}}`, :math:`i = 0`, shaped like the input."""
        zeros = torch.zeros_like(input_tensor)
        return LIFFeedForwardState(v=zeros + self.p.v_leak.detach(), i=zeros)

    def step(self, input_tensor: Tensor, state: LIFFeedForwardState) -> Tuple[Tensor, LIFFeedForwardState]:
        return lif_feed_forward_step(input_tensor, state, self.p, self.dt)


class _LIFRecurrent:
    """Recurrent LIF dynamics: the input and the last spikes enter through weight matrices."""

    p: LIFParameters

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        p: LIFParameters = LIFParameters(),
        input_weights: Optional[Tensor] = None,
        recurrent_weights: Optional[Tensor] = None,
        autapses: bool = False,
        dt: float = 0.001,
    ):
        super().__init__(input_size, hidden_size, p, input_weights, recurrent_weights, autapses, dt)

    def initial_step_state(self, input_tensor: Tensor) -> LIFState:
        """:math:`z = 0`, :math:`v = v_{\\text{leak}}`, :math:`i = 0`, shaped ``(batch, hidden_size)``."""
        zeros = input_tensor.new_zeros((input_tensor.shape[0], self.hidden_size))
        return LIFState(z=zeros, v=zeros + self.p.v_leak.detach(), i=zeros)

    def step(self, input_tensor: Tensor, state: LIFState) -> Tuple[Tensor, LIFState]:
        return lif_step(input_tensor, state, self.input_weights, self.masked_recurrent_weights(), self.p, self.dt)


class LIFCell(_LIFFeedForward, SNNCell):
    r"""One Euler step of a LIF neuron without recurrence.

    .. math::
        \dot{v} = \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v + i), \quad
        \dot{i} = -\tau_{\text{syn}}^{-1} i, \quad z = \Theta(v - v_{\text{th}}), \quad
        v \leftarrow (1 - z) v + z v_{\text{reset}}, \quad i \leftarrow i + i_{\text{in}}

    ``forward(x_t, state=None) -> (z, LIFFeedForwardState)`` for ``x_t`` of any shape.
    """


class LIF(_LIFFeedForward, SNN):
    """:class:`LIFCell` over time: ``forward(x) -> (z for all T, final LIFFeedForwardState)``
    for ``x`` of shape ``(T, batch, ...)``."""


class LIFRecurrentCell(_LIFRecurrent, SNNRecurrentCell):
    r"""One Euler step of a recurrent LIF neuron.

    As :class:`LIFCell`, with the current jump
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z_{\text{rec}}`.
    ``forward(x_t, state=None) -> (z, LIFState)`` for ``x_t`` of shape ``(batch, input_size)``.
    """


class LIFRecurrent(_LIFRecurrent, SNNRecurrent):
    """:class:`LIFRecurrentCell` over time: ``forward(x) -> (z for all T, final LIFState)`` for
    ``x`` of shape ``(T, batch, input_size)``."""
