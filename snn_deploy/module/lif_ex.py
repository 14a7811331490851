"""Exponential LIF modules: ``LIFExCell``, ``LIFEx``, ``LIFExRecurrentCell``, ``LIFExRecurrent``.

See :mod:`snn_deploy.functional.lif_ex` for the equations and the step order.
"""

from typing import Optional, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.lif_ex import (
    LIFExFeedForwardState,
    LIFExParameters,
    LIFExState,
    lif_ex_feed_forward_step,
    lif_ex_step,
)
from snn_deploy.module.snn import SNN, SNNCell, SNNRecurrent, SNNRecurrentCell


class _LIFExFeedForward:
    """Feed-forward LIFEx dynamics: the input is a current added to :math:`i` every step."""

    p: LIFExParameters

    def __init__(self, p: LIFExParameters = LIFExParameters(), dt: float = 0.001):
        super().__init__(p, dt)

    def initial_step_state(self, input_tensor: Tensor) -> LIFExFeedForwardState:
        """:math:`v = v_{\\text{leak}}`, :math:`i = 0`, shaped like the input."""
        zeros = torch.zeros_like(input_tensor)
        return LIFExFeedForwardState(v=zeros + self.p.v_leak.detach(), i=zeros)

    def step(self, input_tensor: Tensor, state: LIFExFeedForwardState) -> Tuple[Tensor, LIFExFeedForwardState]:
        return lif_ex_feed_forward_step(input_tensor, state, self.p, self.dt)


class _LIFExRecurrent:
    """Recurrent LIFEx dynamics: the input and the last spikes enter through weight matrices."""

    p: LIFExParameters

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        p: LIFExParameters = LIFExParameters(),
        input_weights: Optional[Tensor] = None,
        recurrent_weights: Optional[Tensor] = None,
        autapses: bool = False,
        dt: float = 0.001,
    ):
        super().__init__(input_size, hidden_size, p, input_weights, recurrent_weights, autapses, dt)

    def initial_step_state(self, input_tensor: Tensor) -> LIFExState:
        """:math:`z = 0`, :math:`v = v_{\\text{leak}}`, :math:`i = 0`, shaped ``(batch, hidden_size)``."""
        zeros = input_tensor.new_zeros((input_tensor.shape[0], self.hidden_size))
        return LIFExState(z=zeros, v=zeros + self.p.v_leak.detach(), i=zeros)

    def step(self, input_tensor: Tensor, state: LIFExState) -> Tuple[Tensor, LIFExState]:
        return lif_ex_step(input_tensor, state, self.input_weights, self.masked_recurrent_weights(), self.p, self.dt)


class LIFExCell(_LIFExFeedForward, SNNCell):
    r"""One Euler step of an exponential LIF neuron without recurrence.

    .. math::
        \dot{v} = \tau_{\text{mem}}^{-1} \big(v_{\text{leak}} - v + i
            + \Delta_T e^{(v - v_{\text{th}}) / \Delta_T}\big), \quad
        \dot{i} = -\tau_{\text{syn}}^{-1} i, \quad z = \Theta(v - v_{\text{th}}), \quad
        v \leftarrow (1 - z) v + z v_{\text{reset}}, \quad i \leftarrow i + i_{\text{in}}

    ``forward(x_t, state=None) -> (z, LIFExFeedForwardState)`` for ``x_t`` of any shape.
    """


class LIFEx(_LIFExFeedForward, SNN):
    """:class:`LIFExCell` over time: ``forward(x) -> (z for all T, final LIFExFeedForwardState)``
    for ``x`` of shape ``(T, batch, ...)``."""


class LIFExRecurrentCell(_LIFExRecurrent, SNNRecurrentCell):
    r"""One Euler step of a recurrent exponential LIF neuron.

    As :class:`LIFExCell`, with the current jump
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z_{\text{rec}}`.
    ``forward(x_t, state=None) -> (z, LIFExState)`` for ``x_t`` of shape ``(batch, input_size)``.
    """


class LIFExRecurrent(_LIFExRecurrent, SNNRecurrent):
    """:class:`LIFExRecurrentCell` over time: ``forward(x) -> (z for all T, final LIFExState)``
    for ``x`` of shape ``(T, batch, input_size)``."""
