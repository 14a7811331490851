r"""Conductance-based leaky integrate-and-fire (CobaLIF) neuron: parameters, state, one Euler step.

.. math::
    \dot{v} = c_m^{-1} \big(g_l (v_{\text{rest}} - v) + g_e (E_{\text{rev},E} - v)
        + g_i (E_{\text{rev},I} - v)\big), \qquad
    \dot{g}_e = -\tau_{\text{syn},e}^{-1} g_e, \qquad \dot{g}_i = -\tau_{\text{syn},i}^{-1} g_i

with the jump condition :math:`z = \Theta(v - v_{\text{th}})`, the reset
:math:`v \leftarrow (1 - z) v + z v_{\text{reset}}` and the conductance jumps

.. math::
    g_e \leftarrow g_e + \mathrm{relu}(W_{\text{in}}) x + \mathrm{relu}(W_{\text{rec}}) z, \qquad
    g_i \leftarrow g_i + \mathrm{relu}(-W_{\text{in}}) x + \mathrm{relu}(-W_{\text{rec}}) z

(the sign of a weight makes a synapse excitatory or inhibitory).

Step order (norse 1.1): jump the conductances, decay them, integrate :math:`v` from the old
voltage with the decayed conductances, threshold, reset. Deviation: norse 1.1's ``coba_lif_step``
computes the input jumps and then overwrites them with the recurrent jumps, so its input has no
effect at all; here both jumps add up, as its documented transition equations say.
"""

from typing import Any, Dict, NamedTuple, Tuple

from torch import Tensor
from torch.nn.functional import linear, relu

from snn_deploy.functional.defaults import default_parameters
from snn_deploy.functional.threshold import threshold_crossing


class CobaLIFParameters(NamedTuple):
    """Parameters of a conductance-based LIF neuron.

    Parameters:
        tau_syn_exc_inv (Tensor): inverse excitatory synaptic time constant
        tau_syn_inh_inv (Tensor): inverse inhibitory synaptic time constant
        c_m_inv (Tensor): inverse membrane capacitance
        g_l (Tensor): leak conductance
        e_rev_I (Tensor): inhibitory reversal potential
        e_rev_E (Tensor): excitatory reversal potential
        v_rest (Tensor): resting membrane potential
        v_reset (Tensor): reset membrane potential
        v_thresh (Tensor): threshold membrane potential
        method (str): threshold method, which sets the surrogate gradient
        alpha (float): sharpness of the surrogate gradient
    """

    tau_syn_exc_inv: Tensor = 1.0 / 5  # type: ignore[assignment]  # norse's float default
    tau_syn_inh_inv: Tensor = 1.0 / 5  # type: ignore[assignment]  # norse's float default
    c_m_inv: Tensor = 1 / 0.2  # type: ignore[assignment]  # norse's float default
    g_l: Tensor = 1 / 20 * 1 / 0.2  # type: ignore[assignment]  # norse's float default
    e_rev_I: Tensor = -100.0  # type: ignore[assignment]  # norse's float default
    e_rev_E: Tensor = 60.0  # type: ignore[assignment]  # norse's float default
    v_rest: Tensor = -20.0  # type: ignore[assignment]  # norse's float default
    v_reset: Tensor = -70.0  # type: ignore[assignment]  # norse's float default
    v_thresh: Tensor = -10.0  # type: ignore[assignment]  # norse's float default
    method: str = "super"
    alpha: float = 100.0


class CobaLIFFeedForwardState(NamedTuple):
    """State of a feed-forward conductance-based LIF neuron: membrane potential ``v``, excitatory and
    inhibitory conductances ``g_e`` and ``g_i``."""

    v: Tensor
    g_e: Tensor
    g_i: Tensor


class CobaLIFState(NamedTuple):
    """State of a conductance-based LIF neuron: last spikes ``z``, membrane potential ``v``,
    excitatory and inhibitory conductances ``g_e`` and ``g_i``."""

    z: Tensor
    v: Tensor
    g_e: Tensor
    g_i: Tensor


def coba_lif_integrate(
    v: Tensor, g_e: Tensor, g_i: Tensor, p: CobaLIFParameters, dt: float
) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
    """Decay the jumped conductances, integrate :math:`v` from the old voltage with them, threshold,
    reset. Returns ``(z, v_new, g_e_decayed, g_i_decayed)``."""
    g_e = g_e + -dt * p.tau_syn_exc_inv * g_e
    g_i = g_i + -dt * p.tau_syn_inh_inv * g_i
    v_new = v + dt * p.c_m_inv * (p.g_l * (p.v_rest - v) + g_e * (p.e_rev_E - v) + g_i * (p.e_rev_I - v))
    z = threshold_crossing(v_new, p.v_thresh, p.method, p.alpha)
    v_new = (1.0 - z) * v_new + z * p.v_reset
    return z, v_new, g_e, g_i


def coba_lif_feed_forward_step(
    input_tensor: Tensor,
    state: CobaLIFFeedForwardState,
    p: CobaLIFParameters = default_parameters(CobaLIFParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, CobaLIFFeedForwardState]:
    r"""One Euler step of a feed-forward conductance-based LIF neuron: the input jumps the conductances,
    :math:`g_e \leftarrow g_e + \mathrm{relu}(x)`, :math:`g_i \leftarrow g_i + \mathrm{relu}(-x)`,
    then :func:`coba_lif_integrate`."""
    g_e = state.g_e + relu(input_tensor)
    g_i = state.g_i + relu(-input_tensor)
    z, v, g_e, g_i = coba_lif_integrate(state.v, g_e, g_i, p, dt)
    return z, CobaLIFFeedForwardState(v, g_e, g_i)


def coba_lif_step(
    input_spikes: Tensor,
    state: CobaLIFState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    p: CobaLIFParameters = default_parameters(CobaLIFParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, CobaLIFState]:
    """One Euler step of a recurrent conductance-based LIF neuron (see the module docstring)."""
    g_e = state.g_e + linear(input_spikes, relu(input_weights)) + linear(state.z, relu(recurrent_weights))
    g_i = state.g_i + linear(input_spikes, relu(-input_weights)) + linear(state.z, relu(-recurrent_weights))
    z, v, g_e, g_i = coba_lif_integrate(state.v, g_e, g_i, p, dt)
    return z, CobaLIFState(z, v, g_e, g_i)


default_bio_state = CobaLIFState(z=0.0, v=-65.0, g_e=0.0, g_i=0.0)  # type: ignore[arg-type]  # norse's floats
"""norse 1.1's resting state of a conductance-based neuron (Python floats, as norse has it)."""

_BIO_VALUES: Dict[str, Any] = dict(  # floats, as norse has them (the fields are typed Tensor)
    tau_syn_exc_inv=1 / 0.3,
    tau_syn_inh_inv=1 / 0.5,
    e_rev_E=0.0,
    e_rev_I=-70.0,
    v_thresh=-50.0,
    v_reset=-65.0,
    v_rest=-65.0,
)
default_bio_parameters = CobaLIFParameters(**_BIO_VALUES)
"""norse 1.1's biologically scaled conductance-based parameters (mV)."""
