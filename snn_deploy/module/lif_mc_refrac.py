"""Multi-compartment refractory LIF module ``LIFMCRefracRecurrentCell``.

See :mod:`snn_deploy.functional.lif_mc_refrac` for the equations, the step order and how it
differs from norse 1.1.
"""

from typing import Tuple

from torch import Tensor

from snn_deploy.functional.lif_mc_refrac import lif_mc_refrac_step
from snn_deploy.functional.lif_refrac import LIFRefracState
from snn_deploy.module.lif_mc import _Coupling
from snn_deploy.module.lif_refrac import _LIFRefracRecurrent
from snn_deploy.module.snn import RecurrentCell, cell_forward


class _LIFMCRefracRecurrent(_Coupling, _LIFRefracRecurrent):
    """Recurrent refractory LIF dynamics with coupled compartments."""

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
