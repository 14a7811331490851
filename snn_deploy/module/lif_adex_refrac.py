"""Refractory adaptive exponential LIF modules: ``LIFAdExRefracCell``, ``LIFAdExRefracRecurrentCell``,
``LIFAdExRefracRecurrent`` (norse 1.1 has no feed-forward layer of this model).

See :mod:`snn_deploy.functional.lif_adex_refrac` for the equations and the step order.
"""

from typing import Tuple

import torch
from torch import Tensor

from snn_deploy.functional.lif_adex import LIFAdExFeedForwardState, LIFAdExParameters, LIFAdExState
from snn_deploy.functional.lif_adex_refrac import (
    LIFAdExRefracFeedForwardState,
    LIFAdExRefracParameters,
    LIFAdExRefracState,
    lif_adex_refrac_feed_forward_step,
    lif_adex_refrac_projected_step,
)
from snn_deploy.module import snn


class LIFAdExRefracParameterFields:
    """``p``, assembled at call time from the module's buffers (or parameters) ``lif_adex_*`` and
    ``rho_reset`` and its attributes ``lif_adex_method``, ``lif_adex_alpha``."""

    parameters_type = LIFAdExRefracParameters
    lif_adex_adaptation_current: Tensor
    lif_adex_adaptation_spike: Tensor
    lif_adex_delta_T: Tensor
    lif_adex_tau_ada_inv: Tensor
    lif_adex_tau_syn_inv: Tensor
    lif_adex_tau_mem_inv: Tensor
    lif_adex_v_leak: Tensor
    lif_adex_v_th: Tensor
    lif_adex_v_reset: Tensor
    lif_adex_method: str
    lif_adex_alpha: float
    rho_reset: Tensor

    @property
    def p(self) -> LIFAdExRefracParameters:
        lif_adex = LIFAdExParameters(
            self.lif_adex_adaptation_current,
            self.lif_adex_adaptation_spike,
            self.lif_adex_delta_T,
            self.lif_adex_tau_ada_inv,
            self.lif_adex_tau_syn_inv,
            self.lif_adex_tau_mem_inv,
            self.lif_adex_v_leak,
            self.lif_adex_v_th,
            self.lif_adex_v_reset,
            self.lif_adex_method,
            self.lif_adex_alpha,
        )
        return LIFAdExRefracParameters(lif_adex, self.rho_reset)


class _LIFAdExRefracRecurrent(LIFAdExRefracParameterFields, snn.RecurrentNeuronModule):
    """Recurrent refractory LIFAdEx dynamics: the input and the last spikes enter through weights."""

    def initial_step_state(self, input_tensor: Tensor) -> LIFAdExRefracState:
        """:math:`z = 0`, :math:`v = v_{\\text{leak}}`, :math:`i = a = \\rho = 0`, shaped ``(*input.shape[:-1], hidden_size)``."""
        zeros = self.hidden_zeros(input_tensor)
        v = zeros + self.lif_adex_v_leak.detach()
        return LIFAdExRefracState(LIFAdExState(z=zeros, v=v, i=zeros, a=zeros), rho=zeros)

    step = snn.recurrent_step(LIFAdExRefracState)

    def projected_step(
        self, input_current: Tensor, state: LIFAdExRefracState, recurrent_weights: Tensor
    ) -> Tuple[Tensor, LIFAdExRefracState]:
        return lif_adex_refrac_projected_step(input_current, state, recurrent_weights, self.p, self.dt)


class LIFAdExRefracCell(LIFAdExRefracParameterFields, snn.NeuronCell):
    r"""One Euler step of a LIFAdEx neuron with absolute refractory period, without recurrence.

    .. math::
        \dot{v} = \tau_{\text{mem}}^{-1} \big(v_{\text{leak}} - v + i
            + \Delta_T e^{(v - v_{\text{th}})/\Delta_T} - a\big) (1 - \Theta(\rho)), \quad
        \dot{i} = -\tau_{\text{syn}}^{-1} i, \quad
        \dot{a} = \tau_{\text{ada}}^{-1} \big(a_{\text{current}} (v - v_{\text{leak}}) - a\big)

    with :math:`z = (1 - \Theta(\rho)) \Theta(v - v_{\text{th}})`, the LIFAdEx resets, and
    :math:`\rho` counting down by one per step, set to :math:`\rho_{\text{reset}}` by a spike.
    ``LIFAdExRefracCell(p=LIFAdExRefracParameters(), dt=0.001)``;
    ``forward(x_t, state=None) -> (z, LIFAdExRefracFeedForwardState)`` for ``x_t`` of any shape.
    """

    def initial_step_state(self, input_tensor: Tensor) -> LIFAdExRefracFeedForwardState:
        """:math:`v = v_{\\text{leak}}`, :math:`i = a = \\rho = 0`, shaped like the input."""
        zeros = torch.zeros_like(input_tensor)
        v = zeros + self.lif_adex_v_leak.detach()
        return LIFAdExRefracFeedForwardState(LIFAdExFeedForwardState(v=v, i=zeros, a=zeros), rho=zeros)

    def step(
        self, input_tensor: Tensor, state: LIFAdExRefracFeedForwardState
    ) -> Tuple[Tensor, LIFAdExRefracFeedForwardState]:
        return lif_adex_refrac_feed_forward_step(input_tensor, state, self.p, self.dt)

    forward = snn.cell_forward(LIFAdExRefracFeedForwardState)


class LIFAdExRefracRecurrentCell(_LIFAdExRefracRecurrent, snn.RecurrentCell):
    r"""One Euler step of a recurrent LIFAdEx neuron with absolute refractory period.

    As :class:`LIFAdExRefracCell`, with the current jump
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z_{\text{rec}}`.
    ``LIFAdExRefracRecurrentCell(input_size, hidden_size, p=LIFAdExRefracParameters(),
    input_weights=None, recurrent_weights=None, autapses=False, dt=0.001)``;
    ``forward(x_t, state=None) -> (z, LIFAdExRefracState)`` for ``x_t`` of shape ``(batch, input_size)``.
    """

    forward = snn.cell_forward(LIFAdExRefracState)


class LIFAdExRefracRecurrent(_LIFAdExRefracRecurrent, snn.RecurrentLayer):
    """:class:`LIFAdExRefracRecurrentCell` over time: ``forward(x) -> (z for all T, final
    LIFAdExRefracState)`` for ``x`` of shape ``(T, batch, input_size)``."""

    forward = snn.recurrent_layer_forward(LIFAdExRefracState)
