r"""Tsodyks-Makram short-term synaptic plasticity (norse 1.1's ``tsodyks_makram``).

For input spikes :math:`z`, utilization :math:`u` and available resources :math:`x`:

.. math::
    u' &= u - \Delta t\, \tau_f^{-1} u + U (1 - u) z \\
    x' &= x + \Delta t\, \tau_d^{-1} (1 - x) - u' x z

and the step returns the released fraction :math:`u' x z` with the new state.
"""

from typing import NamedTuple, Tuple

from torch import Tensor


class TsodyksMakramState(NamedTuple):
    """State of the Tsodyks-Makram model: utilization ``u`` and available resources ``x``."""

    u: Tensor
    x: Tensor


class TsodyksMakramParameters(NamedTuple):
    """Parameters of the Tsodyks-Makram model.

    Parameters:
        tau_f_inv (float): inverse facilitation time constant in 1/s
        tau_s_inv (float): inverse synaptic time constant in 1/s (unused by the step, as in norse)
        tau_d_inv (float): inverse depression time constant in 1/s
        U (float): jump of the utilization on a spike
    """

    tau_f_inv: float = 1 / (50.0e-3)
    tau_s_inv: float = 1 / (20.0e-3)
    tau_d_inv: float = 1 / (750.0e-3)
    U: float = 0.45


def stp_step(
    z: Tensor, s: TsodyksMakramState, p: TsodyksMakramParameters, dt: float = 0.001
) -> Tuple[Tensor, TsodyksMakramState]:
    """One Euler step (equations in the module docstring); ``p`` has no default, as in norse."""
    u = s.u + dt * (-p.tau_f_inv * s.u) + p.U * (1 - s.u) * z
    x = s.x + dt * (p.tau_d_inv * (1 - s.x)) - u * s.x * z
    return u * s.x * z, TsodyksMakramState(u=u, x=x)
