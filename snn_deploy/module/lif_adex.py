"""Adaptive exponential LIF modules: ``LIFAdExCell``, ``LIFAdEx``, ``LIFAdExRecurrentCell``,
``LIFAdExRecurrent``.

See :mod:`snn_deploy.functional.lif_adex` for the equations and the step order.
"""

from typing import Optional, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.lif_adex import (
    LIFAdExFeedForwardState,
    LIFAdExParameters,
    LIFAdExState,
    lif_adex_feed_forward_step,
    lif_adex_step,
)
from snn_deploy.module.snn import SNN, SNNCell, SNNRecurrent, SNNRecurrentCell


class _LIFAdExFeedForward:
    """Feed-forward LIFAdEx dynamics: the input is a current added to :math:`i` every step."""

    p: LIFAdExParameters

    def __init__(self, p: LIFAdExParameters = LIFAdExParameters(), dt: float = 0.001):
        super().__init__(p, dt)

    def initial_step_state(self, input_tensor: Tensor) -> LIFAdExFeedForwardState:
        """:math:`v = v_{\\text{leak}}`, :math:`i = a = 0`, shaped like the input.

        (norse's ``LIFAdExCell`` starts from an unshaped scalar :math:`v`; the values agree.)
        """
        zeros = torch.zeros_like(input_tensor)
        return LIFAdExFeedForwardState(v=zeros + self.p.v_leak.detach(), i=zeros, a=zeros)

    def step(self, input_tensor: Tensor, state: LIFAdExFeedForwardState) -> Tuple[Tensor, LIFAdExFeedForwardState]:
        return lif_adex_feed_forward_step(input_tensor, state, self.p, self.dt)


class _LIFAdExRecurrent:
    """Recurrent LIFAdEx dynamics: the input and the last spikes enter through weight matrices."""

    p: LIFAdExParameters

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        p: LIFAdExParameters = LIFAdExParameters(),
        input_weights: Optional[Tensor] = None,
        recurrent_weights: Optional[Tensor] = None,
        autapses: bool = False,
        dt: float = 0.001,
    ):
        super().__init__(input_size, hidden_size, p, input_weights, recurrent_weights, autapses, dt)

    def initial_step_state(self, input_tensor: Tensor) -> LIFAdExState:
        """:math:`z = 0`, :math:`v = v_{\\text{leak}}`, :math:`i = a = 0`, shaped ``(batch, hidden_size)``."""
        zeros = input_tensor.new_zeros((input_tensor.shape[0], self.hidden_size))
        return LIFAdExState(z=zeros, v=zeros + self.p.v_leak.detach(), i=zeros, a=zeros)

    def step(self, input_tensor: Tensor, state: LIFAdExState) -> Tuple[Tensor, LIFAdExState]:
        return lif_adex_step(input_tensor, state, self.input_weights, self.masked_recurrent_weights(), self.p, self.dt)


class LIFAdExCell(_LIFAdExFeedForward, SNNCell):
    r"""One Euler step of an adaptive exponential LIF neuron without recurrence.

    .. math::
        \dot{v} = \tau_{\text{mem}}^{-1} \big(v_{\text{leak}} - v + i
            + \Delta_T e^{(v - v_{\text{th}}) / \Delta_T} - a\big), \quad
        \dot{i} = -\tau_{\text{syn}}^{-1} i, \quad
        \dot{a} = \tau_{\text{ada}}^{-1} \big(a_{\text{current}} (v - v_{\text{leak}}) - a\big)

    with :math:`z = \Theta(v - v_{\text{th}})`, :math:`v \leftarrow (1 - z) v + z v_{\text{reset}}`,
    :math:`a \leftarrow a + a_{\text{spike}} z` and :math:`i \leftarrow i + i_{\text{in}}`.
    ``forward(x_t, state=None) -> (z, LIFAdExFeedForwardState)`` for ``x_t`` of any shape.
    """


class LIFAdEx(_LIFAdExFeedForward, SNN):
    """:class:`LIFAdExCell` over time: ``forward(x) -> (z for all T, final LIFAdExFeedForwardState)``
    for ``x`` of shape ``(T, batch, ...)``."""


class LIFAdExRecurrentCell(_LIFAdExRecurrent, SNNRecurrentCell):
    r"""One Euler step of a recurrent adaptive exponential LIF neuron.

    As :class:`LIFAdExCell`, with the current jump
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z_{\text{rec}}`.
    ``forward(x_t, state=None) -> (z, LIFAdExState)`` for ``x_t`` of shape ``(batch, input_size)``.
    """


class LIFAdExRecurrent(_LIFAdExRecurrent, SNNRecurrent):
    """:class:`LIFAdExRecurrentCell` over time: ``forward(x) -> (z for all T, final LIFAdExState)``
    for ``x`` of shape ``(T, batch, input_size)``."""
