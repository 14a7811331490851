r"""Adaptive exponential LIF neuron with an absolute refractory period (norse 1.1's ``lif_adex_refrac``).

A LIFAdEx step (:mod:`snn_deploy.functional.lif_adex`), then the refractory update of
:func:`snn_deploy.functional.lif_refrac.refractory_update`: while :math:`\rho > 0` the spikes are
masked and the voltage is held at its value before the step, and :math:`\rho` counts down by one;
a spike sets it to :math:`\rho_{\text{reset}}`. As in norse, the current and the adaptation
:math:`a` keep the values of the LIFAdEx step (so :math:`a` also jumps on a masked spike).
"""

from typing import NamedTuple, Tuple, Union

import torch
from torch import Tensor

from snn_deploy.functional.defaults import default_parameters
from snn_deploy.functional.lif_adex import (
    LIFAdExFeedForwardState,
    LIFAdExParameters,
    LIFAdExState,
    lif_adex_feed_forward_step,
    lif_adex_projected_step,
)
from snn_deploy.functional.lif_refrac import refractory_update


class LIFAdExRefracParameters(NamedTuple):
    """Parameters of a LIFAdEx neuron with absolute refractory period.

    Parameters:
        lif_adex (LIFAdExParameters): parameters of the LIFAdEx integration (``method``/``alpha``
            also set the surrogate gradient of the refractory mask)
        rho_reset (Tensor): refractory period in time steps, set by every spike
    """

    lif_adex: LIFAdExParameters = LIFAdExParameters()
    rho_reset: Tensor = 5.0  # type: ignore[assignment]  # norse's float default


class LIFAdExRefracState(NamedTuple):
    """State of a recurrent refractory LIFAdEx neuron: the LIFAdEx state and the refractory counter ``rho``."""

    lif_adex: LIFAdExState
    rho: Tensor


class LIFAdExRefracFeedForwardState(NamedTuple):
    """State of a feed-forward refractory LIFAdEx neuron: the LIFAdEx state and the counter ``rho``."""

    lif_adex: LIFAdExFeedForwardState
    rho: Tensor


def lif_adex_refrac_feed_forward_step(
    input_tensor: Tensor,
    state: LIFAdExRefracFeedForwardState,
    p: LIFAdExRefracParameters = default_parameters(LIFAdExRefracParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFAdExRefracFeedForwardState]:
    """:func:`lif_adex_feed_forward_step`, then :func:`refractory_update`."""
    z, adex = lif_adex_feed_forward_step(input_tensor, state.lif_adex, p.lif_adex, dt)
    z, v, rho = refractory_update(
        state.rho, state.lif_adex.v, z, adex.v, p.rho_reset, p.lif_adex.method, p.lif_adex.alpha
    )
    return z, LIFAdExRefracFeedForwardState(LIFAdExFeedForwardState(v, adex.i, adex.a), rho)


def lif_adex_refrac_step(
    input_tensor: Tensor,
    state: LIFAdExRefracState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    p: LIFAdExRefracParameters = default_parameters(LIFAdExRefracParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFAdExRefracState]:
    """:func:`lif_adex_step`, then :func:`refractory_update`; the masked spikes are the ones fed back."""
    input_current = torch.nn.functional.linear(input_tensor, input_weights)
    return lif_adex_refrac_projected_step(input_current, state, recurrent_weights, p, dt)


def lif_adex_refrac_projected_step(
    input_current: Tensor,
    state: LIFAdExRefracState,
    recurrent_weights: Tensor,
    p: LIFAdExRefracParameters,
    dt: float = 0.001,
) -> Tuple[Tensor, LIFAdExRefracState]:
    r""":func:`lif_adex_refrac_step` with the input current :math:`W_{\text{in}} z_{\text{in}}` given."""
    z, adex = lif_adex_projected_step(input_current, state.lif_adex, recurrent_weights, p.lif_adex, dt)
    z, v, rho = refractory_update(
        state.rho, state.lif_adex.v, z, adex.v, p.rho_reset, p.lif_adex.method, p.lif_adex.alpha
    )
    return z, LIFAdExRefracState(LIFAdExState(z, v, adex.i, adex.a), rho)


def compute_refractory_update(
    state: Union[LIFAdExRefracState, LIFAdExRefracFeedForwardState],
    z_new: Tensor,
    v_new: Tensor,
    p: LIFAdExRefracParameters = default_parameters(LIFAdExRefracParameters),
) -> Tuple[Tensor, Tensor, Tensor]:
    """norse 1.1's name and argument order for :func:`refractory_update` on a refractory LIFAdEx
    state: returns ``(v, z, rho)`` (voltage first, as norse)."""
    z, v, rho = refractory_update(
        state.rho, state.lif_adex.v, z_new, v_new, p.rho_reset, p.lif_adex.method, p.lif_adex.alpha
    )
    return v, z, rho
