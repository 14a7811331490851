r"""Exponential leaky integrate-and-fire (LIFEx) neuron: parameters, states and one Euler step.

.. math::
    \dot{v} = \tau_{\text{mem}}^{-1} \big(v_{\text{leak}} - v + i
        + \Delta_T e^{(v - v_{\text{th}}) / \Delta_T}\big), \qquad
    \dot{i} = -\tau_{\text{syn}}^{-1} i

with the jump condition :math:`z = \Theta(v - v_{\text{th}})` and the transitions
:math:`v \leftarrow (1 - z) v + z v_{\text{reset}}`, :math:`i \leftarrow i + i_{\text{in}}`
(see https://neuronaldynamics.epfl.ch/online/Ch5.S2.html).

Step order (norse 1.1): add the input current, integrate :math:`v` with the new current,
decay the current, threshold the integrated voltage, reset. Unlike LIF, the reset passes
gradient through :math:`z` in the recurrent step too, as in norse.
"""

from typing import NamedTuple, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.defaults import default_parameters
from snn_deploy.functional.lif import projected_recurrent_current
from snn_deploy.functional.threshold import threshold_crossing


class LIFExParameters(NamedTuple):
    """Parametrization of an exponential LIF neuron.

    Parameters:
        delta_T (Tensor): sharpness :math:`\\Delta_T` of the exponential growth
        tau_syn_inv (Tensor): inverse synaptic time constant :math:`1/\\tau_\\text{syn}`
        tau_mem_inv (Tensor): inverse membrane time constant :math:`1/\\tau_\\text{mem}`
        v_leak (Tensor): leak potential
        v_th (Tensor): threshold potential
        v_reset (Tensor): reset potential
        method (str): threshold method, which sets the surrogate gradient
        alpha (float): sharpness of the surrogate gradient
    """

    delta_T: Tensor = 0.5  # type: ignore[assignment]  # norse's float default
    tau_syn_inv: Tensor = 1.0 / 5e-3  # type: ignore[assignment]  # norse's float default
    tau_mem_inv: Tensor = 1.0 / 1e-2  # type: ignore[assignment]  # norse's float default
    v_leak: Tensor = 0.0  # type: ignore[assignment]  # norse's float default
    v_th: Tensor = 1.0  # type: ignore[assignment]  # norse's float default
    v_reset: Tensor = 0.0  # type: ignore[assignment]  # norse's float default
    method: str = "super"
    alpha: float = 100.0


class LIFExState(NamedTuple):
    """State of a recurrent LIFEx neuron: spikes ``z`` of the last step, voltage ``v``, current ``i``."""

    z: Tensor
    v: Tensor
    i: Tensor


class LIFExFeedForwardState(NamedTuple):
    """State of a feed-forward LIFEx neuron: voltage ``v`` and current ``i``."""

    v: Tensor
    i: Tensor


def exponential_leak(v: Tensor, v_leak: Tensor, v_th: Tensor, delta_T: Tensor) -> Tensor:
    r"""The voltage drive without input:
    :math:`v_{\text{leak}} - v + \Delta_T e^{(v - v_{\text{th}})/\Delta_T}`."""
    return (v_leak - v) + delta_T * torch.exp((v - v_th) / delta_T)


def lif_ex_integrate(v: Tensor, i: Tensor, p: LIFExParameters, dt: float) -> Tuple[Tensor, Tensor, Tensor]:
    r"""Integrate :math:`v, i` by one Euler step, then threshold and reset.

    Returns ``(z, v_new, i_decayed)``; the current ``i`` already includes this step's input.
    """
    v_decayed = v + dt * p.tau_mem_inv * (exponential_leak(v, p.v_leak, p.v_th, p.delta_T) + i)
    i_decayed = i - dt * p.tau_syn_inv * i
    z = threshold_crossing(v_decayed, p.v_th, p.method, p.alpha)
    v_new = (1.0 - z) * v_decayed + z * p.v_reset
    return z, v_new, i_decayed


def lif_ex_feed_forward_step(
    input_spikes: Tensor,
    state: LIFExFeedForwardState = LIFExFeedForwardState(torch.tensor(0.0), torch.tensor(0.0)),
    p: LIFExParameters = default_parameters(LIFExParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFExFeedForwardState]:
    r"""One Euler step of a feed-forward LIFEx neuron driven by the current ``input_spikes``:
    :math:`i \leftarrow i + i_{\text{in}}`, then :func:`lif_ex_integrate`."""
    z, v, i = lif_ex_integrate(state.v, state.i + input_spikes, p, dt)
    return z, LIFExFeedForwardState(v, i)


def lif_ex_step(
    input_tensor: Tensor,
    state: LIFExState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    p: LIFExParameters = default_parameters(LIFExParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFExState]:
    r"""One Euler step of a recurrent LIFEx neuron:
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z`, then
    :func:`lif_ex_integrate`."""
    input_current = torch.nn.functional.linear(input_tensor, input_weights)
    return lif_ex_projected_step(input_current, state, recurrent_weights, p, dt)


def lif_ex_projected_step(
    input_current: Tensor, state: LIFExState, recurrent_weights: Tensor, p: LIFExParameters, dt: float = 0.001
) -> Tuple[Tensor, LIFExState]:
    r""":func:`lif_ex_step` with the input current :math:`W_{\text{in}} z_{\text{in}}` given."""
    i_jump = projected_recurrent_current(state.i, input_current, state.z, recurrent_weights)
    z, v, i = lif_ex_integrate(state.v, i_jump, p, dt)
    return z, LIFExState(z, v, i)


def lif_ex_current_encoder(
    input_current: Tensor,
    voltage: Tensor,
    p: LIFExParameters = default_parameters(LIFExParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, Tensor]:
    r"""One Euler step of a LIFEx membrane driven directly by ``input_current``:
    :math:`v \leftarrow v + \Delta t\, \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v
    + \Delta_T e^{(v - v_{\text{th}})/\Delta_T} + i_{\text{in}})`, threshold, then
    :math:`v \leftarrow v - z (v - v_{\text{reset}})`. Returns ``(z, v)``."""
    dv_exp = p.delta_T * torch.exp((voltage - p.v_th) / p.delta_T)
    voltage = voltage + dt * p.tau_mem_inv * ((p.v_leak - voltage) + dv_exp + input_current)
    z = threshold_crossing(voltage, p.v_th, p.method, p.alpha)
    return z, voltage - z * (voltage - p.v_reset)
