"""Leaky integrator modules: ``LICell``, ``LI`` and ``LILinearCell`` (readout layers).

See :mod:`snn_deploy.functional.leaky_integrator` for the equations.
"""

import math
from typing import Optional, Tuple

import torch
from torch import Tensor, nn

from snn_deploy.functional.leaky_integrator import (
    LIParameters,
    LIState,
    li_feed_forward_step,
    li_step,
)
from snn_deploy.module import snn


class LIParameterFields(snn.NeuronModule):
    """``p``, assembled at call time from the module's buffers (or parameters)."""

    parameters_type = LIParameters
    tau_syn_inv: Tensor
    tau_mem_inv: Tensor
    v_leak: Tensor

    @property
    def p(self) -> LIParameters:
        return LIParameters(self.tau_syn_inv, self.tau_mem_inv, self.v_leak)


class _LIFeedForward(LIParameterFields):
    """Leaky-integrator dynamics driven by an input current; the output is the voltage."""

    def initial_step_state(self, input_tensor: Tensor) -> LIState:
        """:math:`v = v_{\\text{leak}}`, :math:`i = 0`, shaped like the input."""
        zeros = torch.zeros_like(input_tensor)
        return LIState(v=zeros + self.p.v_leak.detach(), i=zeros)

    def step(self, input_tensor: Tensor, state: LIState) -> Tuple[Tensor, LIState]:
        return li_feed_forward_step(input_tensor, state, self.p, self.dt)


class LICell(_LIFeedForward, snn.NeuronCell):
    r"""One Euler step of a leaky integrator.

    .. math::
        \dot{v} = \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v + i), \quad
        \dot{i} = -\tau_{\text{syn}}^{-1} i, \quad i \leftarrow i + i_{\text{in}}

    ``forward(x_t, state=None) -> (v, LIState)``.
    """

    forward = snn.cell_forward(LIState)


class LI(_LIFeedForward, snn.NeuronLayer):
    """:class:`LICell` over time: ``forward(x) -> (v for all T, final LIState)`` for ``x`` of
    shape ``(T, batch, ...)``."""

    forward = snn.layer_forward(LIState)


class LILinearCell(LIParameterFields, snn.NeuronCell):
    r"""One Euler step of a leaky integrator behind a linear map: :math:`i \leftarrow i + W x`.

    ``W`` has shape ``(hidden_size, input_size)``, drawn from :math:`\mathcal{N}(0, 1/\text{input})`
    as in norse. ``forward(x_t, state=None) -> (v, LIState)`` for ``x_t`` of shape
    ``(batch, input_size)``.
    """

    input_layout = "(..., input_size)"

    def __init__(self, input_size: int, hidden_size: int, p: Optional[LIParameters] = None, dt: float = 0.001):
        super().__init__(p, dt)
        self.input_size = int(input_size)
        self.hidden_size = int(hidden_size)
        self.input_weights = nn.Parameter(torch.randn(hidden_size, input_size) / math.sqrt(input_size))

    def initial_step_state(self, input_tensor: Tensor) -> LIState:
        """:math:`v = v_{\\text{leak}}`, :math:`i = 0`, shaped ``(batch, hidden_size)``."""
        zeros = input_tensor.new_zeros(list(input_tensor.shape[:-1]) + [self.hidden_size])
        return LIState(v=zeros + self.v_leak.detach(), i=zeros)

    def step(self, input_tensor: Tensor, state: LIState) -> Tuple[Tensor, LIState]:
        return li_step(input_tensor, state, self.input_weights, self.p, self.dt)

    forward = snn.cell_forward(LIState)

    def extra_repr(self) -> str:
        return f"input_size={self.input_size}, hidden_size={self.hidden_size}, p={self.p}, dt={self.dt}"
