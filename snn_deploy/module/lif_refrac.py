"""Refractory LIF modules: ``LIFRefracCell`` and ``LIFRefracRecurrentCell``.

See :mod:`snn_deploy.functional.lif_refrac` for the equations and the step order.
"""

from typing import Optional, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.lif import LIFFeedForwardState, LIFState
from snn_deploy.functional.lif_refrac import (
    LIFRefracFeedForwardState,
    LIFRefracParameters,
    LIFRefracState,
    lif_refrac_feed_forward_step,
    lif_refrac_step,
)
from snn_deploy.module.snn import SNNCell, SNNRecurrentCell


class _LIFRefracFeedForward:
    """Feed-forward refractory LIF dynamics: the input is a current added to :math:`i` every step."""

    p: LIFRefracParameters

    def __init__(self, p: LIFRefracParameters = LIFRefracParameters(), dt: float = 0.001):
        super().__init__(p, dt)

    def initial_step_state(self, input_tensor: Tensor) -> LIFRefracFeedForwardState:
        """:math:`v = v_{\\text{leak}}`, :math:`i = 0`, :math:`\\rho = 0`, shaped like the input."""
        zeros = torch.zeros_like(input_tensor)
        return LIFRefracFeedForwardState(LIFFeedForwardState(v=zeros + self.p.lif.v_leak.detach(), i=zeros), rho=zeros)

    def step(self, input_tensor: Tensor, state: LIFRefracFeedForwardState) -> Tuple[Tensor, LIFRefracFeedForwardState]:
        return lif_refrac_feed_forward_step(input_tensor, state, self.p, self.dt)


class _LIFRefracRecurrent:
    """Recurrent refractory LIF dynamics: the input and the last spikes enter through weight matrices."""

    p: LIFRefracParameters

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        p: LIFRefracParameters = LIFRefracParameters(),
        input_weights: Optional[Tensor] = None,
        recurrent_weights: Optional[Tensor] = None,
        autapses: bool = False,
        dt: float = 0.001,
    ):
        super().__init__(input_size, hidden_size, p, input_weights, recurrent_weights, autapses, dt)

    def initial_step_state(self, input_tensor: Tensor) -> LIFRefracState:
        """:math:`z = 0`, :math:`v = v_{\\text{leak}}`, :math:`i = 0`, :math:`\\rho = 0`, shaped
        ``(batch, hidden_size)``."""
        zeros = input_tensor.new_zeros((input_tensor.shape[0], self.hidden_size))
        return LIFRefracState(LIFState(z=zeros, v=zeros + self.p.lif.v_leak.detach(), i=zeros), rho=zeros)

    def step(self, input_tensor: Tensor, state: LIFRefracState) -> Tuple[Tensor, LIFRefracState]:
        return lif_refrac_step(
            input_tensor, state, self.input_weights, self.masked_recurrent_weights(), self.p, self.dt
        )


class LIFRefracCell(_LIFRefracFeedForward, SNNCell):
    r"""One Euler step of a LIF neuron with absolute refractory period, without recurrence.

    .. math::
        \dot{v} = \tau_{\text{mem}}^{-1} (1 - \Theta(\rho)) (v_{\text{leak}} - v + i), \quad
        \dot{i} = -\tau_{\text{syn}}^{-1} i, \quad
        z = (1 - \Theta(\rho)) \Theta(v - v_{\text{th}})

    with :math:`v \leftarrow (1 - z) v + z v_{\text{reset}}`, :math:`i \leftarrow i + i_{\text{in}}`,
    and :math:`\rho` counting down by one per step, set to :math:`\rho_{\text{reset}}` by a spike.
    ``forward(x_t, state=None) -> (z, LIFRefracFeedForwardState)`` for ``x_t`` of any shape.
    """


class LIFRefracRecurrentCell(_LIFRefracRecurrent, SNNRecurrentCell):
    r"""One Euler step of a recurrent LIF neuron with absolute refractory period.

    As :class:`LIFRefracCell`, with the current jump
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z_{\text{rec}}`.
    ``forward(x_t, state=None) -> (z, LIFRefracState)`` for ``x_t`` of shape ``(batch, input_size)``.
    """
