r"""Multi-compartment LIF neuron with an absolute refractory period.

One multi-compartment step (:func:`snn_deploy.functional.lif_mc.lif_mc_step`: LIF step, reset,
:math:`v \leftarrow v + \Delta t \, G v`), then the refractory update of
:func:`snn_deploy.functional.lif_refrac.refractory_update`: while :math:`\rho > 0` the spikes are
masked and the voltage is held, and :math:`\rho` counts down; a spike sets it to
:math:`\rho_{\text{reset}}`.

Deviation from norse 1.1, whose ``lif_mc_refrac_step`` and ``lif_mc_refrac_feed_forward_step`` are
separate, older-style steps: it adds
the input current *after* integrating the voltage (unlike every other norse 1.1 LIF step), adds
the coupling :math:`G v` *without* the factor :math:`\Delta t` (unlike ``lif_mc_step``), so that
with the default :math:`G \sim \mathcal{N}(0, 1/\text{hidden})` the voltages diverge
exponentially within tens of steps, and lets refractory neurons spike. We compose the two sound
norse 1.1 steps instead (``lif_mc_step`` or ``lif_mc_feed_forward_step``, then the refractory
update), so this model equals :class:`LIFMCRecurrentCell` plus the refractory period of
:class:`LIFRefracRecurrentCell`.
"""

from typing import Tuple

from torch import Tensor

from snn_deploy.functional.defaults import default_parameters
from snn_deploy.functional.lif import LIFFeedForwardState, LIFState
from snn_deploy.functional.lif_mc import lif_mc_feed_forward_step, lif_mc_step
from snn_deploy.functional.lif_refrac import (
    LIFRefracFeedForwardState,
    LIFRefracParameters,
    LIFRefracState,
    refractory_update,
)


def lif_mc_refrac_step(
    input_tensor: Tensor,
    state: LIFRefracState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    g_coupling: Tensor,
    p: LIFRefracParameters = default_parameters(LIFRefracParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFRefracState]:
    """One Euler step: :func:`lif_mc_step`, then :func:`refractory_update`; the masked spikes are
    the ones fed back."""
    z, lif = lif_mc_step(input_tensor, state.lif, input_weights, recurrent_weights, g_coupling, p.lif, dt)
    z, v, rho = refractory_update(state.rho, state.lif.v, z, lif.v, p.rho_reset, p.lif.method, p.lif.alpha)
    return z, LIFRefracState(LIFState(z, v, lif.i), rho)


def lif_mc_refrac_feed_forward_step(
    input_tensor: Tensor,
    state: LIFRefracFeedForwardState,
    g_coupling: Tensor,
    p: LIFRefracParameters = default_parameters(LIFRefracParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFRefracFeedForwardState]:
    """One Euler step: :func:`lif_mc_feed_forward_step`, then :func:`refractory_update`."""
    z, lif = lif_mc_feed_forward_step(input_tensor, state.lif, g_coupling, p.lif, dt)
    z, v, rho = refractory_update(state.rho, state.lif.v, z, lif.v, p.rho_reset, p.lif.method, p.lif.alpha)
    return z, LIFRefracFeedForwardState(LIFFeedForwardState(v, lif.i), rho)
