"""Adaptive exponential LIF modules: ``LIFAdExCell``, ``LIFAdEx``, ``LIFAdExRecurrentCell``,
``LIFAdExRecurrent``.

See :mod:`snn_deploy.functional.lif_adex` for the equations and the step order.
"""

from typing import Tuple

import torch
from torch import Tensor

from snn_deploy.functional.lif_adex import (
    LIFAdExFeedForwardState,
    LIFAdExParameters,
    LIFAdExState,
    lif_adex_feed_forward_step,
    lif_adex_projected_step,
)
from snn_deploy.module import snn
from snn_deploy.module.lif import LIFMembraneFields


class LIFAdExParameterFields(LIFMembraneFields):
    """``p``, assembled at call time from the module's buffers (or parameters) and attributes."""

    parameters_type = LIFAdExParameters
    adaptation_current: Tensor
    adaptation_spike: Tensor
    delta_T: Tensor
    tau_ada_inv: Tensor
    tau_syn_inv: Tensor

    @property
    def p(self) -> LIFAdExParameters:
        return LIFAdExParameters(
            self.adaptation_current,
            self.adaptation_spike,
            self.delta_T,
            self.tau_ada_inv,
            self.tau_syn_inv,
            self.tau_mem_inv,
            self.v_leak,
            self.v_th,
            self.v_reset,
            self.method,
            self.alpha,
        )


class _LIFAdExFeedForward(LIFAdExParameterFields, snn.NeuronModule):
    """Feed-forward LIFAdEx dynamics: the input is a current added to :math:`i` every step."""

    def initial_step_state(self, input_tensor: Tensor) -> LIFAdExFeedForwardState:
        """:math:`v = v_{\\text{leak}}`, :math:`i = a = 0`, shaped like the input.

        (norse's ``LIFAdExCell`` starts from an unshaped scalar :math:`v`; the values agree.)
        """
        zeros = torch.zeros_like(input_tensor)
        return LIFAdExFeedForwardState(v=zeros + self.p.v_leak.detach(), i=zeros, a=zeros)

    def step(self, input_tensor: Tensor, state: LIFAdExFeedForwardState) -> Tuple[Tensor, LIFAdExFeedForwardState]:
        return lif_adex_feed_forward_step(input_tensor, state, self.p, self.dt)


class _LIFAdExRecurrent(LIFAdExParameterFields, snn.RecurrentNeuronModule):
    """Recurrent LIFAdEx dynamics: the input and the last spikes enter through weight matrices."""

    def initial_step_state(self, input_tensor: Tensor) -> LIFAdExState:
        """:math:`z = 0`, :math:`v = v_{\\text{leak}}`, :math:`i = a = 0`, shaped ``(batch, hidden_size)``."""
        zeros = self.hidden_zeros(input_tensor)
        return LIFAdExState(z=zeros, v=zeros + self.p.v_leak.detach(), i=zeros, a=zeros)

    step = snn.recurrent_step(LIFAdExState)

    def projected_step(
        self, input_current: Tensor, state: LIFAdExState, recurrent_weights: Tensor
    ) -> Tuple[Tensor, LIFAdExState]:
        return lif_adex_projected_step(input_current, state, recurrent_weights, self.p, self.dt)


class LIFAdExCell(_LIFAdExFeedForward, snn.NeuronCell):
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

    forward = snn.cell_forward(LIFAdExFeedForwardState)


class LIFAdEx(_LIFAdExFeedForward, snn.NeuronLayer):
    """:class:`LIFAdExCell` over time: ``forward(x) -> (z for all T, final LIFAdExFeedForwardState)``
    for ``x`` of shape ``(T, batch, ...)``."""

    forward = snn.layer_forward(LIFAdExFeedForwardState)


class LIFAdExRecurrentCell(_LIFAdExRecurrent, snn.RecurrentCell):
    r"""One Euler step of a recurrent adaptive exponential LIF neuron.

    As :class:`LIFAdExCell`, with the current jump
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z_{\text{rec}}`.
    ``forward(x_t, state=None) -> (z, LIFAdExState)`` for ``x_t`` of shape ``(batch, input_size)``.
    """

    forward = snn.cell_forward(LIFAdExState)


class LIFAdExRecurrent(_LIFAdExRecurrent, snn.RecurrentLayer):
    """:class:`LIFAdExRecurrentCell` over time: ``forward(x) -> (z for all T, final LIFAdExState)``
    for ``x`` of shape ``(T, batch, input_size)``."""

    forward = snn.recurrent_layer_forward(LIFAdExState)
