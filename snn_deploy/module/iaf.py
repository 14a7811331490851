"""Integrate-and-fire modules: ``IAFCell`` and ``IAF`` (norse 1.1).

See :mod:`snn_deploy.functional.iaf` for the equations.
"""

from typing import Tuple

import torch
from torch import Tensor

from snn_deploy.functional.iaf import IAFFeedForwardState, IAFParameters, iaf_feed_forward_step
from snn_deploy.module import snn


class _IAFFeedForward(snn.NeuronModule):
    """``p``, assembled at call time from the module's buffers (or parameters) ``v_th``, ``v_reset``
    and its attributes ``method``, ``alpha``."""

    parameters_type = IAFParameters
    v_th: Tensor
    v_reset: Tensor
    method: str
    alpha: float

    @property
    def p(self) -> IAFParameters:
        return IAFParameters(self.v_th, self.v_reset, self.method, self.alpha)

    def initial_step_state(self, input_tensor: Tensor) -> IAFFeedForwardState:
        """:math:`v = v_{\\text{reset}}` (as norse), shaped like one step of the input."""
        return IAFFeedForwardState(v=torch.zeros_like(input_tensor) + self.v_reset.detach())

    def step(self, input_tensor: Tensor, state: IAFFeedForwardState) -> Tuple[Tensor, IAFFeedForwardState]:
        return iaf_feed_forward_step(input_tensor, state, self.p, self.dt)


class IAFCell(_IAFFeedForward, snn.NeuronCell):
    r"""One step of an integrate-and-fire neuron (no leak):

    .. math::
        v \leftarrow v + i_{\text{in}}, \quad z = \Theta(v - v_{\text{th}}), \quad
        v \leftarrow (1 - z) v + z v_{\text{reset}}

    ``IAFCell(p=IAFParameters(), dt=0.001)`` (``dt`` is unused, as in norse);
    ``forward(x_t, state=None) -> (z, IAFFeedForwardState)`` for ``x_t`` of any shape.
    """

    forward = snn.cell_forward(IAFFeedForwardState)


class IAF(_IAFFeedForward, snn.NeuronLayer):
    """:class:`IAFCell` over time: ``forward(x) -> (z for all T, final IAFFeedForwardState)`` for
    ``x`` of shape ``(T, batch, ...)``."""

    forward = snn.layer_forward(IAFFeedForwardState)
