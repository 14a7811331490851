"""LSNN (adaptive-threshold LIF) modules: ``LSNNCell``, ``LSNN``, ``LSNNRecurrentCell``,
``LSNNRecurrent``.

See :mod:`snn_deploy.functional.lsnn` for the equations and the step order.
"""

from typing import Optional, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.lsnn import (
    LSNNFeedForwardState,
    LSNNParameters,
    LSNNState,
    lsnn_feed_forward_step,
    lsnn_projected_step,
)
from snn_deploy.module import snn
from snn_deploy.module.lif import LIFMembraneFields


def _refuse_adjoint(owner: str, adjoint: bool) -> None:
    if adjoint:
        raise NotImplementedError(
            f"{owner}: adjoint=True (norse's adjoint-method gradients, an autograd.Function) is not "
            "supported; gradients come from backpropagation through the Euler steps with surrogate "
            "thresholds, so pass adjoint=False"
        )


class LSNNParameterFields(LIFMembraneFields):
    """``p``, assembled at call time from the module's buffers (or parameters) and attributes."""

    parameters_type = LSNNParameters
    tau_syn_inv: Tensor
    tau_adapt_inv: Tensor
    beta: Tensor

    @property
    def p(self) -> LSNNParameters:
        return LSNNParameters(
            self.tau_syn_inv,
            self.tau_mem_inv,
            self.tau_adapt_inv,
            self.v_leak,
            self.v_th,
            self.v_reset,
            self.beta,
            self.method,
            self.alpha,
        )


class _LSNNFeedForward(LSNNParameterFields, snn.NeuronModule):
    """Feed-forward LSNN dynamics: the input is a current added to :math:`i` every step."""

    def __init__(self, p: Optional[LSNNParameters] = None, adjoint: bool = False, dt: float = 0.001):
        _refuse_adjoint(type(self).__name__, adjoint)
        super().__init__(p, dt)

    def initial_step_state(self, input_tensor: Tensor) -> LSNNFeedForwardState:
        """:math:`v = v_{\\text{leak}}`, :math:`i = 0`, :math:`b = v_{\\text{th}}`, shaped like the input.

        (norse's ``LSNNCell`` starts from an unshaped scalar :math:`b`; the values agree.)
        """
        zeros = torch.zeros_like(input_tensor)
        return LSNNFeedForwardState(v=zeros + self.p.v_leak.detach(), i=zeros, b=zeros + self.p.v_th.detach())

    def step(self, input_tensor: Tensor, state: LSNNFeedForwardState) -> Tuple[Tensor, LSNNFeedForwardState]:
        return lsnn_feed_forward_step(input_tensor, state, self.p, self.dt)


class _LSNNRecurrent(LSNNParameterFields, snn.RecurrentNeuronModule):
    """Recurrent LSNN dynamics: the input and the last spikes enter through weight matrices."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        p: Optional[LSNNParameters] = None,
        adjoint: bool = False,
        input_weights: Optional[Tensor] = None,
        recurrent_weights: Optional[Tensor] = None,
        autapses: bool = False,
        dt: float = 0.001,
    ):
        _refuse_adjoint(type(self).__name__, adjoint)
        super().__init__(input_size, hidden_size, p, input_weights, recurrent_weights, autapses, dt)

    def initial_step_state(self, input_tensor: Tensor) -> LSNNState:
        """:math:`z = 0`, :math:`v = v_{\\text{leak}}`, :math:`i = 0`, :math:`b = v_{\\text{th}}`,
        shaped ``(batch, hidden_size)``."""
        zeros = self.hidden_zeros(input_tensor)
        return LSNNState(z=zeros, v=zeros + self.p.v_leak.detach(), i=zeros, b=zeros + self.p.v_th.detach())

    step = snn.recurrent_step(LSNNState)

    def projected_step(
        self, input_current: Tensor, state: LSNNState, recurrent_weights: Tensor
    ) -> Tuple[Tensor, LSNNState]:
        return lsnn_projected_step(input_current, state, recurrent_weights, self.p, self.dt)


class LSNNCell(_LSNNFeedForward, snn.NeuronCell):
    r"""One Euler step of an LSNN neuron (LIF with an adaptive threshold :math:`b`) without recurrence.

    .. math::
        \dot{v} = \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v + i), \quad
        \dot{i} = -\tau_{\text{syn}}^{-1} i, \quad
        \dot{b} = \tau_{b}^{-1} (v_{\text{th}} - b)

    with :math:`z = \Theta(v - b)`, :math:`v \leftarrow (1 - z) v + z v_{\text{reset}}`,
    :math:`b \leftarrow b + \beta z`, then :math:`i \leftarrow i + i_{\text{in}}`.
    ``forward(x_t, state=None) -> (z, LSNNFeedForwardState)`` for ``x_t`` of any shape.
    ``adjoint=True`` is not supported.
    """

    forward = snn.cell_forward(LSNNFeedForwardState)


class LSNN(_LSNNFeedForward, snn.NeuronLayer):
    """:class:`LSNNCell` over time: ``forward(x) -> (z for all T, final LSNNFeedForwardState)``
    for ``x`` of shape ``(T, batch, ...)``."""

    forward = snn.layer_forward(LSNNFeedForwardState)


class LSNNRecurrentCell(_LSNNRecurrent, snn.RecurrentCell):
    r"""One Euler step of a recurrent LSNN neuron.

    As :class:`LSNNCell`, with the current jump
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z_{\text{rec}}` after the
    threshold, and no gradient through :math:`z` in the reset and the threshold jump (as in norse).
    ``forward(x_t, state=None) -> (z, LSNNState)`` for ``x_t`` of shape ``(batch, input_size)``.
    """

    forward = snn.cell_forward(LSNNState)


class LSNNRecurrent(_LSNNRecurrent, snn.RecurrentLayer):
    """:class:`LSNNRecurrentCell` over time: ``forward(x) -> (z for all T, final LSNNState)``
    for ``x`` of shape ``(T, batch, input_size)``."""

    forward = snn.recurrent_layer_forward(LSNNState)
