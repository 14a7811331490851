r"""Event-driven STDP sensor (norse 1.1's ``stdp_sensor``): two decaying spike traces.

.. math::
    a_{\text{pre}} &\leftarrow a_{\text{pre}} - \Delta t\, \tau_c^{-1} a_{\text{pre}} + \eta_+ z_{\text{pre}} \\
    a_{\text{post}} &\leftarrow a_{\text{post}} - \Delta t\, \tau_c^{-1} a_{\text{post}} + \eta_- z_{\text{post}}

Both traces decay with ``tau_c_inv``, as in norse 1.1 (its ``tau_ac_inv`` is kept and unused).
"""

from typing import NamedTuple

from torch import Tensor

from snn_deploy.functional.defaults import default_parameters


class STDPSensorParameters(NamedTuple):
    """Parameters of an STDP sensor.

    Parameters:
        eta_p (Tensor): jump of the pre-synaptic trace on a pre-synaptic spike
        eta_m (Tensor): jump of the post-synaptic trace on a post-synaptic spike
        tau_ac_inv (Tensor): anti-correlation inverse time constant in 1/s (unused, as in norse)
        tau_c_inv (Tensor): inverse time constant of both traces in 1/s
    """

    eta_p: Tensor = 1.0  # type: ignore[assignment]  # norse's float default
    eta_m: Tensor = 1.0  # type: ignore[assignment]  # norse's float default
    tau_ac_inv: Tensor = 1.0 / 100e-3  # type: ignore[assignment]  # norse's float default
    tau_c_inv: Tensor = 1.0 / 100e-3  # type: ignore[assignment]  # norse's float default


class STDPSensorState(NamedTuple):
    """State of an STDP sensor: the pre-synaptic trace ``a_pre`` and post-synaptic trace ``a_post``."""

    a_pre: Tensor
    a_post: Tensor


def stdp_sensor_step(
    z_pre: Tensor,
    z_post: Tensor,
    state: STDPSensorState,
    p: STDPSensorParameters = default_parameters(STDPSensorParameters),
    dt: float = 0.001,
) -> STDPSensorState:
    """One Euler step of the two traces (equations in the module docstring)."""
    a_pre = state.a_pre + dt * (p.tau_c_inv * -state.a_pre)
    a_post = state.a_post + dt * (p.tau_c_inv * -state.a_post)
    return STDPSensorState(a_pre + z_pre * p.eta_p, a_post + z_post * p.eta_m)
