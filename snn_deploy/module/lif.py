"""Leaky integrate-and-fire modules: ``LIFCell``, ``LIF``, ``LIFRecurrentCell``, ``LIFRecurrent``.

See :mod:`snn_deploy.functional.lif` for the equations and the step order.
"""

from typing import Tuple

import torch
from torch import Tensor

from snn_deploy.functional.lif import (
    LIFFeedForwardState,
    LIFParameters,
    LIFState,
    lif_feed_forward_step,
    lif_projected_step,
)
from snn_deploy.module import snn


class LIFMembraneFields:
    """The buffers (or parameters) and attributes of the membrane fields every LIF-like family
    has: ``tau_mem_inv``, ``v_leak``, ``v_th``, ``v_reset``, ``method``, ``alpha``."""

    tau_mem_inv: Tensor
    v_leak: Tensor
    v_th: Tensor
    v_reset: Tensor
    method: str
    alpha: float


class LIFParameterFields(LIFMembraneFields):
    """``p``, assembled at call time from the module's buffers (or parameters) and attributes."""

    parameters_type = LIFParameters
    tau_syn_inv: Tensor

    @property
    def p(self) -> LIFParameters:
        return LIFParameters(
            self.tau_syn_inv, self.tau_mem_inv, self.v_leak, self.v_th, self.v_reset, self.method, self.alpha
        )


class _LIFFeedForward(LIFParameterFields, snn.NeuronModule):
    def initial_step_state(self, input_tensor: Tensor) -> LIFFeedForwardState:
        """:math:`v = v_{\\text{leak}}`, :math:`i = 0`, shaped like one step of the input."""
        zeros = torch.zeros_like(input_tensor)
        return LIFFeedForwardState(v=zeros + self.v_leak.detach(), i=zeros)

    def step(self, input_tensor: Tensor, state: LIFFeedForwardState) -> Tuple[Tensor, LIFFeedForwardState]:
        return lif_feed_forward_step(input_tensor, state, self.p, self.dt)


class _LIFRecurrent(LIFParameterFields, snn.RecurrentNeuronModule):
    def initial_step_state(self, input_tensor: Tensor) -> LIFState:
        """:math:`z = 0`, :math:`v = v_{\\text{leak}}`, :math:`i = 0`, shaped ``(batch, hidden_size)``."""
        zeros = self.hidden_zeros(input_tensor)
        return LIFState(z=zeros, v=zeros + self.v_leak.detach(), i=zeros)

    step = snn.recurrent_step(LIFState)

    def projected_step(
        self, input_current: Tensor, state: LIFState, recurrent_weights: Tensor
    ) -> Tuple[Tensor, LIFState]:
        return lif_projected_step(input_current, state, recurrent_weights, self.p, self.dt)


class LIFCell(_LIFFeedForward, snn.NeuronCell):
    r"""One Euler step of a LIF neuron without recurrence.

    .. math::
        \dot{v} = \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v + i), \quad
        \dot{i} = -\tau_{\text{syn}}^{-1} i, \quad z = \Theta(v - v_{\text{th}}), \quad
        v \leftarrow (1 - z) v + z v_{\text{reset}}, \quad i \leftarrow i + i_{\text{in}}

    ``LIFCell(p=LIFParameters(), dt=0.001)``;
    ``forward(x_t, state=None) -> (z, LIFFeedForwardState)`` for ``x_t`` of any shape.
    """

    forward = snn.cell_forward(LIFFeedForwardState)


class LIF(_LIFFeedForward, snn.NeuronLayer):
    """:class:`LIFCell` over time: ``forward(x) -> (z for all T, final LIFFeedForwardState)``
    for ``x`` of shape ``(T, batch, ...)``."""

    forward = snn.layer_forward(LIFFeedForwardState)


class LIFRecurrentCell(_LIFRecurrent, snn.RecurrentCell):
    r"""One Euler step of a recurrent LIF neuron.

    As :class:`LIFCell`, with the current jump
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z_{\text{rec}}`.
    ``LIFRecurrentCell(input_size, hidden_size, p=LIFParameters(), input_weights=None,
    recurrent_weights=None, autapses=False, dt=0.001)``;
    ``forward(x_t, state=None) -> (z, LIFState)`` for ``x_t`` of shape ``(batch, input_size)``.
    """

    forward = snn.cell_forward(LIFState)


class LIFRecurrent(_LIFRecurrent, snn.RecurrentLayer):
    """:class:`LIFRecurrentCell` over time: ``forward(x) -> (z for all T, final LIFState)`` for
    ``x`` of shape ``(T, batch, input_size)``."""

    forward = snn.recurrent_layer_forward(LIFState)
