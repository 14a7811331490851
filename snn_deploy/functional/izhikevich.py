r"""Izhikevich (2003) neuron: parameters, states, one Euler step and the 20 behaviours of
Izhikevich (2004), "Which model to use for cortical spiking neurons?".

.. math::
    \dot{v} = \tau^{-1} (s_q v^2 + m_n v + b_{\text{ias}} - u + I), \qquad
    \dot{u} = \tau^{-1} a (b v - u)

with the jump condition :math:`z = \Theta(v - v_{\text{th}})` and the transitions
:math:`v \leftarrow (1 - z) v + z c`, :math:`u \leftarrow u + z d`. With ``dt = 0.001`` the
product ``tau_inv * dt`` is Izhikevich's time step in ms (0.25 ms for ``tau_inv = 250``).

Step order (norse 1.1): integrate :math:`v` and :math:`u` from the old state, threshold the new
voltage, reset.
"""

from typing import NamedTuple, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.threshold import threshold_crossing


class IzhikevichParameters(NamedTuple):
    """Parametrization of an Izhikevich neuron.

    Parameters:
        a (Tensor): time scale of the recovery variable :math:`u` in 1/ms
        b (Tensor): sensitivity of :math:`u` to subthreshold fluctuations of :math:`v`
        c (Tensor): after-spike reset value of :math:`v` in mV
        d (Tensor): after-spike increment of :math:`u`
        sq (Tensor): coefficient of :math:`v^2` in 1/(mV ms)
        mn (Tensor): coefficient of :math:`v` in 1/ms
        bias (Tensor): constant drive in mV/ms
        v_th (Tensor): spike threshold (peak) in mV
        tau_inv (Tensor): inverse time constant; ``tau_inv * dt`` is the step in ms
        method (str): threshold method, which sets the surrogate gradient
        alpha (float): sharpness of the surrogate gradient
    """

    a: Tensor
    b: Tensor
    c: Tensor
    d: Tensor
    sq: Tensor = 0.04  # type: ignore[assignment]  # norse's float default
    mn: Tensor = 5.0  # type: ignore[assignment]  # norse's float default
    bias: Tensor = 140.0  # type: ignore[assignment]  # norse's float default
    v_th: Tensor = 30.0  # type: ignore[assignment]  # norse's float default
    tau_inv: Tensor = 250.0  # type: ignore[assignment]  # norse's float default
    method: str = "super"
    alpha: float = 100.0


class IzhikevichState(NamedTuple):
    """State of a feed-forward Izhikevich neuron: membrane potential ``v``, recovery ``u``."""

    v: Tensor
    u: Tensor


class IzhikevichRecurrentState(NamedTuple):
    """State of a recurrent Izhikevich neuron: last spikes ``z``, potential ``v``, recovery ``u``."""

    z: Tensor
    v: Tensor
    u: Tensor


class IzhikevichSpikingBehavior(NamedTuple):
    """A spiking behaviour: parameters ``p`` and the initial state ``s`` (scalars or tensors
    that broadcast to the neurons' shape)."""

    p: IzhikevichParameters
    s: IzhikevichState


def create_izhikevich_spiking_behavior(
    a: float,
    b: float,
    c: float,
    d: float,
    v_rest: float,
    u_rest: float,
    tau_inv: float = 250.0,
    mn: float = 5.0,
    bias: float = 140.0,
) -> IzhikevichSpikingBehavior:
    """A behaviour starting at :math:`v = v_\\text{rest}`, :math:`u = b\\,u_\\text{rest}`, as in norse.

    ``mn`` and ``bias`` extend norse's signature; they set the two behaviours of Izhikevich (2004)
    that use :math:`4.1 v + 108` (class 1 excitability, integrator).
    """
    p = IzhikevichParameters(a=a, b=b, c=c, d=d, mn=mn, bias=bias, tau_inv=tau_inv)  # type: ignore[arg-type]  # norse's floats
    return IzhikevichSpikingBehavior(p=p, s=IzhikevichState(v=float(v_rest), u=float(u_rest) * b))  # type: ignore[arg-type]  # norse's floats


# The behaviours of Izhikevich (2004), Fig. 1, with norse 1.1's values.
tonic_spiking = create_izhikevich_spiking_behavior(0.02, 0.2, -65.0, 6.0, -70.0, -70.0)
phasic_spiking = create_izhikevich_spiking_behavior(0.02, 0.25, -65.0, 6.0, -64.0, -64.0)
tonic_bursting = create_izhikevich_spiking_behavior(0.02, 0.2, -50.0, 2.0, -70.0, -70.0)
phasic_bursting = create_izhikevich_spiking_behavior(0.02, 0.25, -55.0, 0.05, -64.0, -64.0, tau_inv=200.0)
mixed_mode = create_izhikevich_spiking_behavior(0.02, 0.2, -55.0, 4.0, -70.0, -70.0)
spike_frequency_adaptation = create_izhikevich_spiking_behavior(0.01, 0.2, -65.0, 8.0, -70.0, -70.0)
class_1_exc = create_izhikevich_spiking_behavior(0.02, -0.1, -55.0, 6.0, -60.0, -60.0, mn=4.1, bias=108.0)
class_2_exc = create_izhikevich_spiking_behavior(0.2, 0.26, -65.0, 0.0, -64.0, -64.0)
spike_latency = create_izhikevich_spiking_behavior(0.02, 0.2, -65.0, 6.0, -70.0, -70.0)
subthreshold_oscillation = create_izhikevich_spiking_behavior(0.05, 0.26, -60.0, 0.0, -62.0, -62.0)
resonator = create_izhikevich_spiking_behavior(0.1, 0.26, -60.0, -1.0, -62.0, -62.0)
integrator = create_izhikevich_spiking_behavior(0.02, -0.1, -55.0, 6.0, -60.0, -60.0, mn=4.1, bias=108.0)
rebound_spike = create_izhikevich_spiking_behavior(0.03, 0.25, -60.0, 4.0, -64.0, -64.0, tau_inv=200.0)
rebound_burst = create_izhikevich_spiking_behavior(0.03, 0.25, -52.0, 0.0, -64.0, -64.0, tau_inv=200.0)
threshold_variability = create_izhikevich_spiking_behavior(0.03, 0.25, -60.0, 4.0, -64.0, -64.0)
bistability = create_izhikevich_spiking_behavior(0.1, 0.26, -60.0, 0.0, -61.0, -61.0)
dap = create_izhikevich_spiking_behavior(1.0, 0.2, -60.0, -21.0, -70.0, -70.0, tau_inv=100.0)
accomodation = create_izhikevich_spiking_behavior(0.02, 1.0, -55.0, 4.0, -65.0, -16.0, tau_inv=500.0)
inhibition_induced_spiking = create_izhikevich_spiking_behavior(-0.02, -1.0, -60.0, 8.0, -63.8, -63.8)
inhibition_induced_bursting = create_izhikevich_spiking_behavior(-0.026, -1.0, -45.0, -2.0, -63.8, -63.8)


def izhikevich_integrate(
    v: Tensor, u: Tensor, drive: Tensor, p: IzhikevichParameters, dt: float
) -> Tuple[Tensor, Tensor, Tensor]:
    r"""Integrate :math:`v, u` by one Euler step under the input current ``drive``, then threshold
    and reset. Returns ``(z, v_new, u_new)``."""
    v_next = v + p.tau_inv * dt * (p.sq * (v * v) + p.mn * v + p.bias - u + drive)
    u_next = u + p.tau_inv * dt * p.a * (p.b * v - u)
    z = threshold_crossing(v_next, p.v_th, p.method, p.alpha)
    v_new = (1.0 - z) * v_next + z * p.c
    u_new = (1.0 - z) * u_next + z * (u_next + p.d)
    return z, v_new, u_new


def izhikevich_feed_forward_step(
    input_current: Tensor, s: IzhikevichState, p: IzhikevichParameters, dt: float = 0.001
) -> Tuple[Tensor, IzhikevichState]:
    """One Euler step of a feed-forward Izhikevich neuron driven by the current ``input_current``."""
    z, v, u = izhikevich_integrate(s.v, s.u, input_current, p, dt)
    return z, IzhikevichState(v, u)


def izhikevich_recurrent_step(
    input_current: Tensor,
    s: IzhikevichRecurrentState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    p: IzhikevichParameters,
    dt: float = 0.001,
) -> Tuple[Tensor, IzhikevichRecurrentState]:
    r"""One Euler step of a recurrent Izhikevich neuron driven by
    :math:`I = W_{\text{in}} x + W_{\text{rec}} z`."""
    projected = torch.nn.functional.linear(input_current, input_weights)
    return izhikevich_projected_step(projected, s, recurrent_weights, p, dt)


def izhikevich_projected_step(
    input_current: Tensor,
    state: IzhikevichRecurrentState,
    recurrent_weights: Tensor,
    p: IzhikevichParameters,
    dt: float = 0.001,
) -> Tuple[Tensor, IzhikevichRecurrentState]:
    r""":func:`izhikevich_recurrent_step` with the input current :math:`W_{\text{in}} x` given."""
    drive = input_current + torch.nn.functional.linear(state.z, recurrent_weights)
    z, v, u = izhikevich_integrate(state.v, state.u, drive, p, dt)
    return z, IzhikevichRecurrentState(z, v, u)


# norse 1.1 also names each behaviour's parameters on their own: ``tonic_spiking_p`` is ``tonic_spiking.p``.
tonic_spiking_p = tonic_spiking.p
phasic_spiking_p = phasic_spiking.p
tonic_bursting_p = tonic_bursting.p
phasic_bursting_p = phasic_bursting.p
mixed_mode_p = mixed_mode.p
spike_frequency_adaptation_p = spike_frequency_adaptation.p
class_1_exc_p = class_1_exc.p
class_2_exc_p = class_2_exc.p
spike_latency_p = spike_latency.p
subthreshold_oscillation_p = subthreshold_oscillation.p
resonator_p = resonator.p
integrator_p = integrator.p
rebound_spike_p = rebound_spike.p
rebound_burst_p = rebound_burst.p
threshold_variability_p = threshold_variability.p
bistability_p = bistability.p
dap_p = dap.p
accomodation_p = accomodation.p
inhibition_induced_spiking_p = inhibition_induced_spiking.p
inhibition_induced_bursting_p = inhibition_induced_bursting.p
