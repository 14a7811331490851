r"""Adaptive exponential leaky integrate-and-fire (LIFAdEx) neuron: parameters, states, one Euler step.

.. math::
    \dot{v} = \tau_{\text{mem}}^{-1} \big(v_{\text{leak}} - v + i
        + \Delta_T e^{(v - v_{\text{th}}) / \Delta_T} - a\big), \qquad
    \dot{i} = -\tau_{\text{syn}}^{-1} i, \qquad
    \dot{a} = \tau_{\text{ada}}^{-1} \big(a_{\text{current}} (v - v_{\text{leak}}) - a\big)

with the jump condition :math:`z = \Theta(v - v_{\text{th}})` and the transitions
:math:`v \leftarrow (1 - z) v + z v_{\text{reset}}`, :math:`i \leftarrow i + i_{\text{in}}`,
:math:`a \leftarrow a + a_{\text{spike}} z`
(see http://www.scholarpedia.org/article/Adaptive_exponential_integrate-and-fire_model).

Step order (norse 1.1): add the input current; integrate :math:`v` with the new current and the
old :math:`a`; decay the current; integrate :math:`a` with the old voltage; threshold the
integrated voltage; reset :math:`v` and add the spike-triggered adaptation. As in norse, the
reset passes gradient through :math:`z` in both the feed-forward and the recurrent step.
"""

from typing import NamedTuple, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.defaults import default_parameters
from snn_deploy.functional.lif import projected_recurrent_current
from snn_deploy.functional.lif_ex import exponential_leak
from snn_deploy.functional.threshold import threshold_crossing


class LIFAdExParameters(NamedTuple):
    """Parametrization of an adaptive exponential LIF neuron (defaults as in norse, after PyNN).

    Parameters:
        adaptation_current (Tensor): adaptation coupling :math:`a_\\text{current}` to the voltage
        adaptation_spike (Tensor): spike-triggered adaptation increment :math:`a_\\text{spike}`
        delta_T (Tensor): sharpness :math:`\\Delta_T` of the exponential growth
        tau_ada_inv (Tensor): inverse adaptation time constant :math:`1/\\tau_\\text{ada}`
        tau_syn_inv (Tensor): inverse synaptic time constant :math:`1/\\tau_\\text{syn}`
        tau_mem_inv (Tensor): inverse membrane time constant :math:`1/\\tau_\\text{mem}`
        v_leak (Tensor): leak potential
        v_th (Tensor): threshold potential
        v_reset (Tensor): reset potential
        method (str): threshold method, which sets the surrogate gradient
        alpha (float): sharpness of the surrogate gradient
    """

    adaptation_current: Tensor = 4.0  # type: ignore[assignment]  # norse's float default
    adaptation_spike: Tensor = 0.02  # type: ignore[assignment]  # norse's float default
    delta_T: Tensor = 0.5  # type: ignore[assignment]  # norse's float default
    tau_ada_inv: Tensor = 2.0  # type: ignore[assignment]  # norse's float default
    tau_syn_inv: Tensor = 1.0 / 5e-3  # type: ignore[assignment]  # norse's float default
    tau_mem_inv: Tensor = 1.0 / 1e-2  # type: ignore[assignment]  # norse's float default
    v_leak: Tensor = 0.0  # type: ignore[assignment]  # norse's float default
    v_th: Tensor = 1.0  # type: ignore[assignment]  # norse's float default
    v_reset: Tensor = 0.0  # type: ignore[assignment]  # norse's float default
    method: str = "super"
    alpha: float = 100.0


class LIFAdExState(NamedTuple):
    """State of a recurrent LIFAdEx neuron: spikes ``z`` of the last step, voltage ``v``,
    current ``i`` and adaptation ``a``."""

    z: Tensor
    v: Tensor
    i: Tensor
    a: Tensor


class LIFAdExFeedForwardState(NamedTuple):
    """State of a feed-forward LIFAdEx neuron: voltage ``v``, current ``i`` and adaptation ``a``."""

    v: Tensor
    i: Tensor
    a: Tensor


def lif_adex_integrate(
    v: Tensor, i: Tensor, a: Tensor, p: LIFAdExParameters, dt: float
) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
    r"""Integrate :math:`v, i, a` by one Euler step, then threshold, reset and adapt.

    Returns ``(z, v_new, i_decayed, a_new)``; the current ``i`` already includes this step's input.
    """
    v_decayed = v + dt * p.tau_mem_inv * (exponential_leak(v, p.v_leak, p.v_th, p.delta_T) + i - a)
    i_decayed = i - dt * p.tau_syn_inv * i
    a_decayed = a + dt * p.tau_ada_inv * (p.adaptation_current * (v - p.v_leak) - a)
    z = threshold_crossing(v_decayed, p.v_th, p.method, p.alpha)
    v_new = (1.0 - z) * v_decayed + z * p.v_reset
    a_new = a_decayed + z * p.adaptation_spike
    return z, v_new, i_decayed, a_new


def lif_adex_feed_forward_step(
    input_spikes: Tensor,
    state: LIFAdExFeedForwardState = LIFAdExFeedForwardState(torch.tensor(0.0), torch.tensor(0.0), torch.tensor(0.0)),
    p: LIFAdExParameters = default_parameters(LIFAdExParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFAdExFeedForwardState]:
    r"""One Euler step of a feed-forward LIFAdEx neuron driven by the current ``input_spikes``:
    :math:`i \leftarrow i + i_{\text{in}}`, then :func:`lif_adex_integrate`."""
    z, v, i, a = lif_adex_integrate(state.v, state.i + input_spikes, state.a, p, dt)
    return z, LIFAdExFeedForwardState(v, i, a)


def lif_adex_step(
    input_spikes: Tensor,
    state: LIFAdExState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    p: LIFAdExParameters = default_parameters(LIFAdExParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFAdExState]:
    r"""One Euler step of a recurrent LIFAdEx neuron:
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z`, then
    :func:`lif_adex_integrate`."""
    input_current = torch.nn.functional.linear(input_spikes, input_weights)
    return lif_adex_projected_step(input_current, state, recurrent_weights, p, dt)


def lif_adex_projected_step(
    input_current: Tensor, state: LIFAdExState, recurrent_weights: Tensor, p: LIFAdExParameters, dt: float = 0.001
) -> Tuple[Tensor, LIFAdExState]:
    r""":func:`lif_adex_step` with the input current :math:`W_{\text{in}} z_{\text{in}}` given."""
    i_jump = projected_recurrent_current(state.i, input_current, state.z, recurrent_weights)
    z, v, i, a = lif_adex_integrate(state.v, i_jump, state.a, p, dt)
    return z, LIFAdExState(z, v, i, a)


def lif_adex_current_encoder(
    input_current: Tensor,
    voltage: Tensor,
    adaptation: Tensor,
    p: LIFAdExParameters = default_parameters(LIFAdExParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, Tensor, Tensor]:
    r"""One Euler step of a LIFAdEx membrane driven directly by ``input_current``:
    :math:`v \leftarrow v + \Delta t\, \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v
    + \Delta_T e^{(v - v_{\text{th}})/\Delta_T} + i_{\text{in}} - a)`, threshold,
    :math:`v \leftarrow v - z (v - v_{\text{reset}})`, then
    :math:`a \leftarrow a + \Delta t\, \tau_{\text{ada}}^{-1} (a_{\text{current}} (v - v_{\text{leak}}) - a)
    + z\, a_{\text{spike}}` with the reset voltage. Returns ``(z, v, a)``.

    Deviation from norse 1.1, whose update is
    ``adaptation = p.tau_ada_inv * (p.adaptation_current * (voltage - p.v_leak) - adaptation) + z * p.adaptation_spike``:
    it returns the derivative of :math:`a` in place of :math:`a` (the ``adaptation + dt *`` of the
    Euler step is missing, so :math:`a` flips sign and grows every step). ``z`` and ``v`` equal norse's.
    """
    dv_exp = p.delta_T * torch.exp((voltage - p.v_th) / p.delta_T)
    voltage = voltage + dt * p.tau_mem_inv * ((p.v_leak - voltage) + dv_exp + input_current - adaptation)
    z = threshold_crossing(voltage, p.v_th, p.method, p.alpha)
    voltage = voltage - z * (voltage - p.v_reset)
    adaptation = (
        adaptation + dt * p.tau_ada_inv * (p.adaptation_current * (voltage - p.v_leak) - adaptation)
    ) + z * p.adaptation_spike
    return z, voltage, adaptation
