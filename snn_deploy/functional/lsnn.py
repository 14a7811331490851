r"""Long short-term memory spiking neuron (LSNN): LIF with an adaptive threshold
(Bellec et al. 2018, https://arxiv.org/abs/1803.09574): parameters, states and one Euler step.

.. math::
    \dot{v} = \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v + i), \qquad
    \dot{i} = -\tau_{\text{syn}}^{-1} i, \qquad
    \dot{b} = \tau_{b}^{-1} (v_{\text{th}} - b)

with the jump condition :math:`z = \Theta(v - b)` and the transitions
:math:`v \leftarrow (1 - z) v + z v_{\text{reset}}`, :math:`b \leftarrow b + \beta z`,
:math:`i \leftarrow i + i_{\text{in}}`.

:math:`b` is the threshold itself: it starts at :math:`v_{\text{th}}`, jumps by :math:`\beta` at
every spike and relaxes back to :math:`v_{\text{th}}`. These are the equations norse 1.1
integrates (its docstrings write :math:`\Theta(v - v_{\text{th}} + b)` and
:math:`\dot{b} = -b / \tau_b`, which its code does not compute).

Step order (norse 1.1): integrate :math:`v` with the *old* current, decay the current, relax
:math:`b`, threshold, reset and raise :math:`b`, and only then add the input current, so an
input reaches the voltage one step later than in LIF. As in norse, the recurrent step passes
no gradient through :math:`z` in the reset and the threshold jump; the feed-forward step does.
"""

from typing import NamedTuple, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.defaults import default_parameters
from snn_deploy.functional.lif import projected_recurrent_current, recurrent_current
from snn_deploy.functional.threshold import threshold_crossing


class LSNNParameters(NamedTuple):
    r"""Parameters of an LSNN neuron.

    Parameters:
        tau_syn_inv (Tensor): inverse synaptic time constant :math:`1/\tau_\text{syn}`
        tau_mem_inv (Tensor): inverse membrane time constant :math:`1/\tau_\text{mem}`
        tau_adapt_inv (Tensor): inverse threshold adaptation time constant :math:`1/\tau_b`
        v_leak (Tensor): leak potential
        v_th (Tensor): resting threshold, to which :math:`b` relaxes
        v_reset (Tensor): reset potential
        beta (Tensor): threshold increment :math:`\beta` per spike
        method (str): threshold method, which sets the surrogate gradient
        alpha (float): sharpness of the surrogate gradient
    """

    tau_syn_inv: Tensor = 1.0 / 5e-3  # type: ignore[assignment]  # norse's float default
    tau_mem_inv: Tensor = 1.0 / 1e-2  # type: ignore[assignment]  # norse's float default
    tau_adapt_inv: Tensor = 1.0 / 800  # type: ignore[assignment]  # norse's float default
    v_leak: Tensor = 0.0  # type: ignore[assignment]  # norse's float default
    v_th: Tensor = 1.0  # type: ignore[assignment]  # norse's float default
    v_reset: Tensor = 0.0  # type: ignore[assignment]  # norse's float default
    beta: Tensor = 1.8  # type: ignore[assignment]  # norse's float default
    method: str = "super"
    alpha: float = 100.0


class LSNNState(NamedTuple):
    """State of a recurrent LSNN neuron: spikes ``z`` of the last step, voltage ``v``,
    current ``i`` and adaptive threshold ``b``."""

    z: Tensor
    v: Tensor
    i: Tensor
    b: Tensor


class LSNNFeedForwardState(NamedTuple):
    """State of a feed-forward LSNN neuron: voltage ``v``, current ``i``, adaptive threshold ``b``."""

    v: Tensor
    i: Tensor
    b: Tensor


def lsnn_integrate(
    v: Tensor, i: Tensor, b: Tensor, p: LSNNParameters, dt: float, detach_reset: bool = False
) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
    r"""Integrate :math:`v, i, b` by one Euler step, then threshold, reset and raise :math:`b`.

    Returns ``(z, v_new, i_decayed, b_new)``; this step's input is not yet in ``i``.
    With ``detach_reset`` the reset and the threshold jump pass no gradient through :math:`z`.
    """
    v_decayed = v + dt * p.tau_mem_inv * ((p.v_leak - v) + i)
    i_decayed = i - dt * p.tau_syn_inv * i
    b_decayed = b + dt * p.tau_adapt_inv * (p.v_th - b)
    z = threshold_crossing(v_decayed, b_decayed, p.method, p.alpha)
    z_reset = z.detach() if detach_reset else z
    v_new = (1.0 - z_reset) * v_decayed + z_reset * p.v_reset
    b_new = b_decayed + z_reset * p.beta
    return z, v_new, i_decayed, b_new


def lsnn_feed_forward_step(
    input_tensor: Tensor,
    state: LSNNFeedForwardState,
    p: LSNNParameters = default_parameters(LSNNParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LSNNFeedForwardState]:
    r"""One Euler step of a feed-forward LSNN neuron: :func:`lsnn_integrate`, then
    :math:`i \leftarrow i + i_{\text{in}}`."""
    z, v, i, b = lsnn_integrate(state.v, state.i, state.b, p, dt)
    return z, LSNNFeedForwardState(v, i + input_tensor, b)


def lsnn_step(
    input_tensor: Tensor,
    state: LSNNState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    p: LSNNParameters = default_parameters(LSNNParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LSNNState]:
    r"""One Euler step of a recurrent LSNN neuron: :func:`lsnn_integrate` (reset detached), then
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z_{\text{last}}`, with the
    spikes :math:`z_{\text{last}}` of the previous step as in norse."""
    input_current = torch.nn.functional.linear(input_tensor, input_weights)
    return lsnn_projected_step(input_current, state, recurrent_weights, p, dt)


def lsnn_projected_step(
    input_current: Tensor, state: LSNNState, recurrent_weights: Tensor, p: LSNNParameters, dt: float = 0.001
) -> Tuple[Tensor, LSNNState]:
    r""":func:`lsnn_step` with the input current :math:`W_{\text{in}} z_{\text{in}}` given."""
    z, v, i, b = lsnn_integrate(state.v, state.i, state.b, p, dt, detach_reset=True)
    i_new = projected_recurrent_current(i, input_current, state.z, recurrent_weights)
    return z, LSNNState(z, v, i_new, b)


def ada_lif_step(
    input_tensor: Tensor,
    state: LSNNState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    p: LSNNParameters = default_parameters(LSNNParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LSNNState]:
    r"""One Euler step of norse 1.1's LIF neuron with adaptation current :math:`b` (fixed threshold):

    .. math::
        v \leftarrow v + \Delta t\, \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v + i - b), \quad
        i \leftarrow i - \Delta t\, \tau_{\text{syn}}^{-1} i, \quad
        b \leftarrow b - \Delta t\, \tau_{\text{adapt}}^{-1} b

    then :math:`z = \Theta(v - v_{\text{th}})`, :math:`v \leftarrow v - z (v_{\text{th}} - v_{\text{reset}})`,
    :math:`b \leftarrow b + \beta z`, :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z_{\text{last}}`."""
    v_decayed = state.v + dt * p.tau_mem_inv * ((p.v_leak - state.v) + state.i - state.b)
    i_decayed = state.i - dt * p.tau_syn_inv * state.i
    b_decayed = state.b - dt * p.tau_adapt_inv * state.b
    z = threshold_crossing(v_decayed, p.v_th, p.method, p.alpha)
    v_new = v_decayed - z * (p.v_th - p.v_reset)
    i_new = recurrent_current(i_decayed, input_tensor, state.z, input_weights, recurrent_weights)
    return z, LSNNState(z, v_new, i_new, b_decayed + z * p.beta)
