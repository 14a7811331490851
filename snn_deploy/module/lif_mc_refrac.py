"""Multi-compartment refractory LIF module ``LIFMCRefracRecurrentCell``.

See :mod:`snn_deploy.functional.lif_mc_refrac` for the equations, the step order and how it
differs from norse 1.1.
"""

from typing import Optional, Tuple

from torch import Tensor

from snn_deploy.functional.lif_mc_refrac import lif_mc_refrac_step
from snn_deploy.functional.lif_refrac import LIFRefracParameters, LIFRefracState
from snn_deploy.module.lif_mc import _Coupling
from snn_deploy.module.lif_refrac import _LIFRefracRecurrent
from snn_deploy.module.snn import RecurrentCell, cell_forward


class _LIFMCRefracRecurrent(_Coupling, _LIFRefracRecurrent):
    """Recurrent refractory LIF dynamics with coupled compartments."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        p: Optional[LIFRefracParameters] = None,
        g_coupling: Optional[Tensor] = None,
        input_weights: Optional[Tensor] = None,
        recurrent_weights: Optional[Tensor] = None,
        autapses: bool = False,
        dt: float = 0.001,
    ):
        super().__init__(input_size, hidden_size, p, input_weights, recurrent_weights, autapses, dt)
        self._init_coupling(g_coupling)

    def step(self, input_tensor: Tensor, state: LIFRefracState) -> Tuple[Tensor, LIFRefracState]:
        return lif_mc_refrac_step(
            input_tensor,
            state,
            self.input_weights,
            self.masked_recurrent_weights(),
            self.g_coupling,
            self.p,
            self.dt,
        )


class LIFMCRefracRecurrentCell(_LIFMCRefracRecurrent, RecurrentCell):
    r"""One Euler step of a recurrent multi-compartment LIF neuron with absolute refractory period:
    the step of :class:`LIFMCRecurrentCell`, then the refractory update of
    :class:`LIFRefracRecurrentCell` (spikes masked and voltage held while :math:`\rho > 0`).
    ``forward(x_t, state=None) -> (z, LIFRefracState)`` for ``x_t`` of shape ``(batch, input_size)``.
    """

    forward = cell_forward(LIFRefracState)
