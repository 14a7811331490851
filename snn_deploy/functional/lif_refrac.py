r"""LIF neuron with an absolute refractory period: parameters, states and one Euler step.

A LIF step (:mod:`snn_deploy.functional.lif`) followed by the refractory update

.. math::
    r = \Theta(\rho), \qquad z \leftarrow (1 - r) z, \qquad
    v \leftarrow (1 - r) v + r v_{\text{old}}, \qquad
    \rho \leftarrow (1 - z) \max(\rho - r, 0) + z \rho_{\text{reset}}

so a spike sets the counter :math:`\rho` to :math:`\rho_{\text{reset}}` steps, during which the
voltage is held at its value before the step and no spike is emitted (the current keeps decaying
and integrating input). The counter is in time steps, independent of ``dt``.
"""

from typing import NamedTuple, Tuple, Union

import torch
from torch import Tensor

from snn_deploy.functional.defaults import default_parameters
from snn_deploy.functional.lif import (
    LIFFeedForwardState,
    LIFParameters,
    LIFState,
    lif_feed_forward_step,
    lif_projected_step,
    lif_step_sparse,
)
from snn_deploy.functional.threshold import threshold


class LIFRefracParameters(NamedTuple):
    """Parameters of a LIF neuron with absolute refractory period.

    Parameters:
        lif (LIFParameters): parameters of the LIF integration (``method``/``alpha`` also set the
            surrogate gradient of the refractory mask)
        rho_reset (Tensor): refractory period in time steps, set by every spike
    """

    lif: LIFParameters = LIFParameters()
    rho_reset: Tensor = 5.0  # type: ignore[assignment]  # norse's float default


class LIFRefracState(NamedTuple):
    """State of a recurrent refractory LIF neuron: the LIF state and the refractory counter ``rho``."""

    lif: LIFState
    rho: Tensor


class LIFRefracFeedForwardState(NamedTuple):
    """State of a feed-forward refractory LIF neuron: the LIF state and the refractory counter ``rho``."""

    lif: LIFFeedForwardState
    rho: Tensor


def refractory_update(
    rho: Tensor, v_old: Tensor, z: Tensor, v: Tensor, rho_reset: Tensor, method: str, alpha: float
) -> Tuple[Tensor, Tensor, Tensor]:
    r"""Mask the spikes ``z`` and hold the voltage at ``v_old`` where :math:`\rho > 0`, then count
    :math:`\rho` down by one, or set it to :math:`\rho_{\text{reset}}` where a spike remains.

    ``method`` and ``alpha`` set the surrogate gradient of the refractory mask. Returns ``(z, v, rho)``.
    """
    refractory = threshold(rho, method, alpha)
    v_new = (1.0 - refractory) * v + refractory * v_old
    z_new = (1.0 - refractory) * z
    rho_new = (1.0 - z_new) * torch.relu(rho - refractory) + z_new * rho_reset
    return z_new, v_new, rho_new


def lif_refrac_feed_forward_step(
    input_tensor: Tensor,
    state: LIFRefracFeedForwardState,
    p: LIFRefracParameters = default_parameters(LIFRefracParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFRefracFeedForwardState]:
    """One Euler step of a feed-forward refractory LIF neuron: :func:`lif_feed_forward_step`, then
    :func:`refractory_update`."""
    z, lif = lif_feed_forward_step(input_tensor, state.lif, p.lif, dt)
    z, v, rho = refractory_update(state.rho, state.lif.v, z, lif.v, p.rho_reset, p.lif.method, p.lif.alpha)
    return z, LIFRefracFeedForwardState(LIFFeedForwardState(v, lif.i), rho)


def lif_refrac_step(
    input_tensor: Tensor,
    state: LIFRefracState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    p: LIFRefracParameters = default_parameters(LIFRefracParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFRefracState]:
    """One Euler step of a recurrent refractory LIF neuron: :func:`lif_step`, then
    :func:`refractory_update`; the masked spikes are the ones fed back."""
    input_current = torch.nn.functional.linear(input_tensor, input_weights)
    return lif_refrac_projected_step(input_current, state, recurrent_weights, p, dt)


def lif_refrac_projected_step(
    input_current: Tensor, state: LIFRefracState, recurrent_weights: Tensor, p: LIFRefracParameters, dt: float = 0.001
) -> Tuple[Tensor, LIFRefracState]:
    r""":func:`lif_refrac_step` with the input current :math:`W_{\text{in}} z_{\text{in}}` given."""
    z, lif = lif_projected_step(input_current, state.lif, recurrent_weights, p.lif, dt)
    z, v, rho = refractory_update(state.rho, state.lif.v, z, lif.v, p.rho_reset, p.lif.method, p.lif.alpha)
    return z, LIFRefracState(LIFState(z, v, lif.i), rho)


def compute_refractory_update(
    state: Union[LIFRefracState, LIFRefracFeedForwardState],
    z_new: Tensor,
    v_new: Tensor,
    p: LIFRefracParameters = default_parameters(LIFRefracParameters),
) -> Tuple[Tensor, Tensor, Tensor]:
    """norse 1.1's name and argument order for :func:`refractory_update` on a refractory LIF state:
    returns ``(v, z, rho)`` (voltage first, as norse)."""
    z, v, rho = refractory_update(state.rho, state.lif.v, z_new, v_new, p.rho_reset, p.lif.method, p.lif.alpha)
    return v, z, rho


def lif_refrac_step_sparse(
    input_tensor: Tensor,
    state: LIFRefracState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    p: LIFRefracParameters = default_parameters(LIFRefracParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFRefracState]:
    """:func:`lif_refrac_step` on sparse spikes (:func:`~snn_deploy.functional.lif.lif_step_sparse`,
    then the refractory update); returns sparse spikes as norse 1.1 does. Eager only."""
    z_sparse, lif = lif_step_sparse(input_tensor, state.lif, input_weights, recurrent_weights, p.lif, dt)
    v, z, rho = compute_refractory_update(state, z_sparse.to_dense(), lif.v, p)
    z_sparse = z.to_sparse()
    return z_sparse, LIFRefracState(LIFState(z_sparse, v, lif.i), rho)
