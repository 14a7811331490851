"""Conductance-based LIF module ``CobaLIFCell``.

See :mod:`snn_deploy.functional.coba_lif` for the equations, the step order and the deviation
from norse 1.1 in how input and recurrent conductance jumps combine.
"""

import math
from typing import Optional, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.coba_lif import CobaLIFParameters, CobaLIFState, coba_lif_step
from snn_deploy.module.snn import RecurrentCell, cell_forward


class CobaLIFCell(RecurrentCell):
    r"""One Euler step of a recurrent conductance-based LIF neuron.

    .. math::
        \dot{v} = c_m^{-1} \big(g_l (v_{\text{rest}} - v) + g_e (E_{\text{rev},E} - v)
            + g_i (E_{\text{rev},I} - v)\big), \quad
        \dot{g}_{e,i} = -\tau_{\text{syn},(e,i)}^{-1} g_{e,i}, \quad
        z = \Theta(v - v_{\text{th}}), \quad v \leftarrow (1 - z) v + z v_{\text{reset}}

    with the conductance jumps :math:`g_e \leftarrow g_e + \mathrm{relu}(W) x`,
    :math:`g_i \leftarrow g_i + \mathrm{relu}(-W) x` from the input and the last spikes.

    As in norse, the input weights are :math:`\mathcal{N}(0, 1/\text{input\_size})`, the recurrent
    weights :math:`\mathcal{N}(0, 1/\text{hidden\_size})`, and self-connections are kept.
    The initial state is :math:`z = g_e = g_i = 0`, :math:`v = v_\text{rest}`; norse 1.1 starts at
    :math:`v = 0`, which lies above the default threshold and makes every neuron fire in the first
    step whatever its input.

    ``forward(x_t, state=None) -> (z, CobaLIFState)`` for ``x_t`` of shape ``(batch, input_size)``.
    """

    tau_syn_exc_inv: Tensor
    tau_syn_inh_inv: Tensor
    c_m_inv: Tensor
    g_l: Tensor
    e_rev_I: Tensor
    e_rev_E: Tensor
    v_rest: Tensor
    v_reset: Tensor
    v_thresh: Tensor
    method: str
    alpha: float
    parameters_type = CobaLIFParameters

    def __init__(self, input_size: int, hidden_size: int, p: Optional[CobaLIFParameters] = None, dt: float = 0.001):
        input_weights = torch.randn(hidden_size, input_size) / math.sqrt(input_size)
        recurrent_weights = torch.randn(hidden_size, hidden_size) / math.sqrt(hidden_size)
        super().__init__(input_size, hidden_size, p, input_weights, recurrent_weights, autapses=True, dt=dt)

    @property
    def p(self) -> CobaLIFParameters:
        """The parameters, assembled at call time from the module's buffers (or parameters)."""
        return CobaLIFParameters(
            self.tau_syn_exc_inv,
            self.tau_syn_inh_inv,
            self.c_m_inv,
            self.g_l,
            self.e_rev_I,
            self.e_rev_E,
            self.v_rest,
            self.v_reset,
            self.v_thresh,
            self.method,
            self.alpha,
        )

    def initial_step_state(self, input_tensor: Tensor) -> CobaLIFState:
        """:math:`z = g_e = g_i = 0`, :math:`v = v_\\text{rest}`, shaped ``(batch, hidden_size)``."""
        zeros = self.hidden_zeros(input_tensor)
        return CobaLIFState(z=zeros, v=zeros + self.v_rest.detach(), g_e=zeros, g_i=zeros)

    def step(self, input_tensor: Tensor, state: CobaLIFState) -> Tuple[Tensor, CobaLIFState]:
        return coba_lif_step(input_tensor, state, self.input_weights, self.masked_recurrent_weights(), self.p, self.dt)

    forward = cell_forward(CobaLIFState)
