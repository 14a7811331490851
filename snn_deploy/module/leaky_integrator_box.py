"""``LIBoxCell``: one Euler step of a leaky integrator without a synaptic current (norse 1.1).

See :mod:`snn_deploy.functional.leaky_integrator_box` for the equations.
"""

from typing import Tuple

import torch
from torch import Tensor

from snn_deploy.functional.leaky_integrator_box import LIBoxParameters, LIBoxState, li_box_feed_forward_step
from snn_deploy.module import snn


class LIBoxParameterFields(snn.NeuronModule):
    """``p``, assembled at call time from the module's buffers (or parameters) ``tau_mem_inv``, ``v_leak``."""

    parameters_type = LIBoxParameters
    tau_mem_inv: Tensor
    v_leak: Tensor

    @property
    def p(self) -> LIBoxParameters:
        return LIBoxParameters(self.tau_mem_inv, self.v_leak)


class LIBoxCell(LIBoxParameterFields, snn.NeuronCell):
    r"""One Euler step of a leaky integrator without a current term; the output is the voltage.

    .. math::
        \dot{v} = \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v + i_{\text{in}})

    ``LIBoxCell(p=LIBoxParameters(), dt=0.001)``; ``forward(x_t, state=None) -> (v, LIBoxState)``
    for ``x_t`` of any shape.
    """

    def initial_step_state(self, input_tensor: Tensor) -> LIBoxState:
        """:math:`v = v_{\\text{leak}}`, shaped like the input."""
        return LIBoxState(v=torch.zeros_like(input_tensor) + self.v_leak.detach())

    def step(self, input_tensor: Tensor, state: LIBoxState) -> Tuple[Tensor, LIBoxState]:
        return li_box_feed_forward_step(input_tensor, state, self.p, self.dt)

    forward = snn.cell_forward(LIBoxState)
