"""Exponential LIF modules: ``LIFExCell``, ``LIFEx``, ``LIFExRecurrentCell``, ``LIFExRecurrent``.

See :mod:`snn_deploy.functional.lif_ex` for the equations and the step order.
"""

from typing import Tuple

import torch
from torch import Tensor

from snn_deploy.functional.lif_ex import (
    LIFExFeedForwardState,
    LIFExParameters,
    LIFExState,
    lif_ex_feed_forward_step,
    lif_ex_projected_step,
)
from snn_deploy.module import snn
from snn_deploy.module.lif import LIFMembraneFields


class LIFExParameterFields(LIFMembraneFields):
    """``p``, assembled at call time from the module's buffers (or parameters) and attributes."""

    parameters_type = LIFExParameters
    delta_T: Tensor
    tau_syn_inv: Tensor

    @property
    def p(self) -> LIFExParameters:
        return LIFExParameters(
            self.delta_T,
            self.tau_syn_inv,
            self.tau_mem_inv,
            self.v_leak,
            self.v_th,
            self.v_reset,
            self.method,
            self.alpha,
        )


class _LIFExFeedForward(LIFExParameterFields, snn.NeuronModule):
    """Feed-forward LIFEx dynamics: the input is a current added to :math:`i` every step."""

    def initial_step_state(self, input_tensor: Tensor) -> LIFExFeedForwardState:
        """:math:`v = v_{\\text{leak}}`, :math:`i = 0`, shaped like the input."""
        zeros = torch.zeros_like(input_tensor)
        return LIFExFeedForwardState(v=zeros + self.p.v_leak.detach(), i=zeros)

    def step(self, input_tensor: Tensor, state: LIFExFeedForwardState) -> Tuple[Tensor, LIFExFeedForwardState]:
        return lif_ex_feed_forward_step(input_tensor, state, self.p, self.dt)


class _LIFExRecurrent(LIFExParameterFields, snn.RecurrentNeuronModule):
    """Recurrent LIFEx dynamics: the input and the last spikes enter through weight matrices."""

    def initial_step_state(self, input_tensor: Tensor) -> LIFExState:
        """:math:`z = 0`, :math:`v = v_{\\text{leak}}`, :math:`i = 0`, shaped ``(batch, hidden_size)``."""
        zeros = self.hidden_zeros(input_tensor)
        return LIFExState(z=zeros, v=zeros + self.p.v_leak.detach(), i=zeros)

    step = snn.recurrent_step(LIFExState)

    def projected_step(
        self, input_current: Tensor, state: LIFExState, recurrent_weights: Tensor
    ) -> Tuple[Tensor, LIFExState]:
        return lif_ex_projected_step(input_current, state, recurrent_weights, self.p, self.dt)


class LIFExCell(_LIFExFeedForward, snn.NeuronCell):
    r"""One Euler step of an exponential LIF neuron without recurrence.

    .. math::
        \dot{v} = \tau_{\text{mem}}^{-1} \big(v_{\text{leak}} - v + i
            + \Delta_T e^{(v - v_{\text{th}}) / \Delta_T}\big), \quad
        \dot{i} = -\tau_{\text{syn}}^{-1} i, \quad z = \Theta(v - v_{\text{th}}), \quad
        v \leftarrow (1 - z) v + z v_{\text{reset}}, \quad i \leftarrow i + i_{\text{in}}

    ``forward(x_t, state=None) -> (z, LIFExFeedForwardState)`` for ``x_t`` of any shape.
    """

    forward = snn.cell_forward(LIFExFeedForwardState)


class LIFEx(_LIFExFeedForward, snn.NeuronLayer):
    """:class:`LIFExCell` over time: ``forward(x) -> (z for all T, final LIFExFeedForwardState)``
    for ``x`` of shape ``(T, batch, ...)``."""

    forward = snn.layer_forward(LIFExFeedForwardState)


class LIFExRecurrentCell(_LIFExRecurrent, snn.RecurrentCell):
    r"""One Euler step of a recurrent exponential LIF neuron.

    As :class:`LIFExCell`, with the current jump
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z_{\text{rec}}`.
    ``forward(x_t, state=None) -> (z, LIFExState)`` for ``x_t`` of shape ``(batch, input_size)``.
    """

    forward = snn.cell_forward(LIFExState)


class LIFExRecurrent(_LIFExRecurrent, snn.RecurrentLayer):
    """:class:`LIFExRecurrentCell` over time: ``forward(x) -> (z for all T, final LIFExState)``
    for ``x`` of shape ``(T, batch, input_size)``."""

    forward = snn.recurrent_layer_forward(LIFExState)
