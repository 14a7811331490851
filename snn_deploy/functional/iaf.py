r"""Integrate-and-fire (IAF) neuron: the voltage sums its input, without leak (norse 1.1's ``iaf``).

.. math::
    v \leftarrow v + i_{\text{in}}, \qquad z = \Theta(v - v_{\text{th}}), \qquad
    v \leftarrow (1 - z) v + z v_{\text{reset}}

``dt`` is accepted for a uniform signature and unused.
"""

from typing import NamedTuple, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.defaults import default_parameters
from snn_deploy.functional.threshold import threshold_crossing


class IAFParameters(NamedTuple):
    """Parametrization of an integrate-and-fire neuron.

    Parameters:
        v_th (Tensor): threshold potential
        v_reset (Tensor): reset potential
        method (str): threshold method, which sets the surrogate gradient
        alpha (float): sharpness of the surrogate gradient
    """

    v_th: Tensor = 1.0  # type: ignore[assignment]  # norse's float default
    v_reset: Tensor = 0.0  # type: ignore[assignment]  # norse's float default
    method: str = "super"
    alpha: float = 100.0


class IAFState(NamedTuple):
    """State of a recurrent integrate-and-fire neuron: spikes ``z`` of the last step and voltage ``v``."""

    z: Tensor
    v: Tensor


class IAFFeedForwardState(NamedTuple):
    """State of a feed-forward integrate-and-fire neuron: voltage ``v``."""

    v: Tensor


def iaf_fire(v: Tensor, p: IAFParameters) -> Tuple[Tensor, Tensor]:
    """Threshold the summed voltage ``v`` and reset: returns ``(z, v_new)``."""
    z = threshold_crossing(v, p.v_th, p.method, p.alpha)
    return z, (1 - z) * v + z * p.v_reset


def iaf_feed_forward_step(
    input_spikes: Tensor,
    state: IAFFeedForwardState,
    p: IAFParameters = default_parameters(IAFParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, IAFFeedForwardState]:
    r""":math:`v \leftarrow v + i_{\text{in}}`, then :func:`iaf_fire`."""
    z, v = iaf_fire(state.v + input_spikes, p)
    return z, IAFFeedForwardState(v=v)


def iaf_step(
    input_spikes: Tensor,
    state: IAFState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    p: IAFParameters = default_parameters(IAFParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, IAFState]:
    r""":math:`v \leftarrow v + W_{\text{in}} x + W_{\text{rec}} z`, then :func:`iaf_fire`."""
    v = (
        state.v
        + torch.nn.functional.linear(input_spikes, input_weights)
        + torch.nn.functional.linear(state.z, recurrent_weights)
    )
    z, v = iaf_fire(v, p)
    return z, IAFState(z, v)
