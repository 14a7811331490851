r"""Box LIF neuron: a LIF neuron without a synaptic current, so the input moves the voltage at once.

.. math::
    \dot{v} = \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v + i_{\text{in}})

with the jump condition :math:`z = \Theta(v - v_{\text{th}})` and the reset
``reset_method(z, v, v_reset, v_th)`` (:func:`~snn_deploy.functional.reset.reset_value` by
default: :math:`v \leftarrow (1 - z) v + z v_{\text{reset}}`). This is norse 1.1's ``lif_box``.
"""

from typing import NamedTuple, Tuple

from torch import Tensor

from snn_deploy.functional.defaults import default_parameters
from snn_deploy.functional.reset import ResetMethod, reset_value
from snn_deploy.functional.threshold import threshold_crossing


class LIFBoxParameters(NamedTuple):
    """Parametrization of a box LIF neuron.

    Parameters:
        tau_mem_inv (Tensor): inverse membrane time constant :math:`1/\\tau_\\text{mem}` in 1/s
        v_leak (Tensor): leak potential
        v_th (Tensor): threshold potential
        v_reset (Tensor): reset potential
        method (str): threshold method, which sets the surrogate gradient
        alpha (float): sharpness of the surrogate gradient
        reset_method (ResetMethod): ``reset_value`` or ``reset_subtract`` (or any function of
            ``(z, v, v_reset, v_th)``)
    """

    tau_mem_inv: Tensor = 1.0 / 1e-2  # type: ignore[assignment]  # norse's float default
    v_leak: Tensor = 0.0  # type: ignore[assignment]  # norse's float default
    v_th: Tensor = 1.0  # type: ignore[assignment]  # norse's float default
    v_reset: Tensor = 0.0  # type: ignore[assignment]  # norse's float default
    method: str = "super"
    alpha: float = 100.0
    reset_method: ResetMethod = reset_value


class LIFBoxState(NamedTuple):
    """State of a recurrent box LIF neuron: spikes ``z`` of the last step and voltage ``v``."""

    z: Tensor
    v: Tensor


class LIFBoxFeedForwardState(NamedTuple):
    """State of a feed-forward box LIF neuron: voltage ``v``."""

    v: Tensor


def lif_box_integrate(
    input_tensor: Tensor,
    v: Tensor,
    tau_mem_inv: Tensor,
    v_leak: Tensor,
    v_th: Tensor,
    method: str,
    alpha: float,
    dt: float,
) -> Tuple[Tensor, Tensor]:
    r"""One Euler step of the voltage,
    :math:`v + \Delta t\, \tau_{\text{mem}}^{-1} (i_{\text{in}} + v_{\text{leak}} - v)` (summed in
    norse's order), and its threshold. Returns ``(z, v_before_reset)``; the parameters come one by
    one, so that modules script it (``p.reset_method`` is a Python callable)."""
    v_decayed = v + dt * tau_mem_inv * (input_tensor + v_leak - v)
    return threshold_crossing(v_decayed, v_th, method, alpha), v_decayed


def lif_box_feed_forward_step(
    input_tensor: Tensor,
    state: LIFBoxFeedForwardState,
    p: LIFBoxParameters = default_parameters(LIFBoxParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFBoxFeedForwardState]:
    """One Euler step of a feed-forward box LIF neuron: :func:`lif_box_integrate`, then ``p.reset_method``."""
    z, v_decayed = lif_box_integrate(input_tensor, state.v, p.tau_mem_inv, p.v_leak, p.v_th, p.method, p.alpha, dt)
    return z, LIFBoxFeedForwardState(v=p.reset_method(z, v_decayed, p.v_reset, p.v_th))
