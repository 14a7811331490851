"""Refractory LIF modules: ``LIFRefracCell``, ``LIFRefracRecurrentCell`` and ``LIFRefracRecurrent``
(norse 1.1 has no feed-forward layer of this model).

See :mod:`snn_deploy.functional.lif_refrac` for the equations and the step order.
"""

from typing import Tuple

import torch
from torch import Tensor

from snn_deploy.functional.lif import LIFFeedForwardState, LIFParameters, LIFState
from snn_deploy.functional.lif_refrac import (
    LIFRefracFeedForwardState,
    LIFRefracParameters,
    LIFRefracState,
    lif_refrac_feed_forward_step,
    lif_refrac_projected_step,
)
from snn_deploy.module import snn


class LIFRefracParameterFields:
    """``p``, assembled at call time from the module's buffers (or parameters) ``lif_tau_syn_inv``,
    ..., ``lif_v_reset``, ``rho_reset`` and its attributes ``lif_method``, ``lif_alpha``."""

    parameters_type = LIFRefracParameters
    lif_tau_syn_inv: Tensor
    lif_tau_mem_inv: Tensor
    lif_v_leak: Tensor
    lif_v_th: Tensor
    lif_v_reset: Tensor
    lif_method: str
    lif_alpha: float
    rho_reset: Tensor

    @property
    def p(self) -> LIFRefracParameters:
        lif = LIFParameters(
            self.lif_tau_syn_inv,
            self.lif_tau_mem_inv,
            self.lif_v_leak,
            self.lif_v_th,
            self.lif_v_reset,
            self.lif_method,
            self.lif_alpha,
        )
        return LIFRefracParameters(lif, self.rho_reset)


class _LIFRefracFeedForward(LIFRefracParameterFields, snn.NeuronModule):
    """Feed-forward refractory LIF dynamics: the input is a current added to :math:`i` every step."""

    def initial_step_state(self, input_tensor: Tensor) -> LIFRefracFeedForwardState:
        """:math:`v = v_{\\text{leak}}`, :math:`i = 0`, :math:`\\rho = 0`, shaped like the input."""
        zeros = torch.zeros_like(input_tensor)
        return LIFRefracFeedForwardState(LIFFeedForwardState(v=zeros + self.p.lif.v_leak.detach(), i=zeros), rho=zeros)

    def step(self, input_tensor: Tensor, state: LIFRefracFeedForwardState) -> Tuple[Tensor, LIFRefracFeedForwardState]:
        return lif_refrac_feed_forward_step(input_tensor, state, self.p, self.dt)


class _LIFRefracRecurrent(LIFRefracParameterFields, snn.RecurrentNeuronModule):
    """Recurrent refractory LIF dynamics: the input and the last spikes enter through weight matrices."""

    def initial_step_state(self, input_tensor: Tensor) -> LIFRefracState:
        """:math:`z = 0`, :math:`v = v_{\\text{leak}}`, :math:`i = 0`, :math:`\\rho = 0`, shaped
        ``(batch, hidden_size)``."""
        zeros = self.hidden_zeros(input_tensor)
        return LIFRefracState(LIFState(z=zeros, v=zeros + self.p.lif.v_leak.detach(), i=zeros), rho=zeros)

    step = snn.recurrent_step(LIFRefracState)

    def projected_step(
        self, input_current: Tensor, state: LIFRefracState, recurrent_weights: Tensor
    ) -> Tuple[Tensor, LIFRefracState]:
        return lif_refrac_projected_step(input_current, state, recurrent_weights, self.p, self.dt)


class LIFRefracCell(_LIFRefracFeedForward, snn.NeuronCell):
    r"""One Euler step of a LIF neuron with absolute refractory period, without recurrence.

    .. math::
        \dot{v} = \tau_{\text{mem}}^{-1} (1 - \Theta(\rho)) (v_{\text{leak}} - v + i), \quad
        \dot{i} = -\tau_{\text{syn}}^{-1} i, \quad
        z = (1 - \Theta(\rho)) \Theta(v - v_{\text{th}})

    with :math:`v \leftarrow (1 - z) v + z v_{\text{reset}}`, :math:`i \leftarrow i + i_{\text{in}}`,
    and :math:`\rho` counting down by one per step, set to :math:`\rho_{\text{reset}}` by a spike.
    ``forward(x_t, state=None) -> (z, LIFRefracFeedForwardState)`` for ``x_t`` of any shape.
    """

    forward = snn.cell_forward(LIFRefracFeedForwardState)


class LIFRefracRecurrentCell(_LIFRefracRecurrent, snn.RecurrentCell):
    r"""One Euler step of a recurrent LIF neuron with absolute refractory period.

    As :class:`LIFRefracCell`, with the current jump
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z_{\text{rec}}`.
    ``forward(x_t, state=None) -> (z, LIFRefracState)`` for ``x_t`` of shape ``(batch, input_size)``.
    """

    forward = snn.cell_forward(LIFRefracState)


class LIFRefracRecurrent(_LIFRefracRecurrent, snn.RecurrentLayer):
    """:class:`LIFRefracRecurrentCell` over time: ``forward(x) -> (z for all T, final
    LIFRefracState)`` for ``x`` of shape ``(T, batch, input_size)``.

    ``LIFRefracRecurrent(input_size, hidden_size, p=LIFRefracParameters(), input_weights=None,
    recurrent_weights=None, autapses=False, dt=0.001)``.
    """

    forward = snn.recurrent_layer_forward(LIFRefracState)
