"""Multi-compartment LIF module ``LIFMCRecurrentCell``.

See :mod:`snn_deploy.functional.lif_mc` for the equations and the step order.
"""

import math
from typing import Any, Optional, Tuple

from torch import Tensor

from snn_deploy.functional.lif import LIFState
from snn_deploy.functional.lif_mc import lif_mc_step
from snn_deploy.module import snn
from snn_deploy.module.lif import _LIFRecurrent


class _Coupling(snn.RecurrentNeuronModule):
    """The conductances ``g_coupling`` ``(hidden, hidden)`` between compartments, a learnable
    parameter, :math:`\\mathcal{N}(0, 1/\\text{hidden})` by default as in norse; the constructor of
    the multi-compartment cells."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        p: Optional[Any] = None,
        g_coupling: Optional[Tensor] = None,
        input_weights: Optional[Tensor] = None,
        recurrent_weights: Optional[Tensor] = None,
        autapses: bool = False,
        dt: float = 0.001,
    ):
        super().__init__(input_size, hidden_size, p, input_weights, recurrent_weights, autapses, dt)
        shape = (self.hidden_size, self.hidden_size)
        try:
            self.g_coupling = snn._initial_weights(g_coupling, shape, 1.0 / math.sqrt(self.hidden_size))
        except ValueError as error:
            raise ValueError(f"{type(self).__name__}: g_coupling: {error}") from None


class _LIFMCRecurrent(_Coupling, _LIFRecurrent):
    """Recurrent LIF dynamics with coupled compartments."""

    def step(self, input_tensor: Tensor, state: LIFState) -> Tuple[Tensor, LIFState]:
        return lif_mc_step(
            input_tensor,
            state,
            self.input_weights,
            self.masked_recurrent_weights(),
            self.g_coupling,
            self.p,
            self.dt,
        )


class LIFMCRecurrentCell(_LIFMCRecurrent, snn.RecurrentCell):
    r"""One Euler step of a recurrent multi-compartment LIF neuron.

    .. math::
        \dot{v} = \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v + i) + G v, \quad
        \dot{i} = -\tau_{\text{syn}}^{-1} i, \quad z = \Theta(v - v_{\text{th}})

    with :math:`v \leftarrow (1 - z) v + z v_{\text{reset}}` and
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z_{\text{rec}}`; the
    coupling :math:`\Delta t \, G v` is added after the reset, as in norse 1.1.
    ``forward(x_t, state=None) -> (z, LIFState)`` for ``x_t`` of shape ``(batch, input_size)``.
    """

    forward = snn.cell_forward(LIFState)
