r"""Leaky integrate-and-fire (LIF) neuron: parameters, states and one Euler step.

.. math::
    \dot{v} = \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v + i), \qquad
    \dot{i} = -\tau_{\text{syn}}^{-1} i

with the jump condition :math:`z = \Theta(v - v_{\text{th}})` and the transitions
:math:`v \leftarrow (1 - z) v + z v_{\text{reset}}`, :math:`i \leftarrow i + i_{\text{in}}`.

Step order (norse 1.1): add the input current, integrate :math:`v` with the new current,
decay the current, threshold the integrated voltage, reset.
"""

from typing import NamedTuple, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.defaults import default_parameters
from snn_deploy.functional.threshold import threshold_crossing


class LIFParameters(NamedTuple):
    """Parametrization of a LIF neuron.

    Parameters:
        tau_syn_inv (Tensor): inverse synaptic time constant :math:`1/\\tau_\\text{syn}` in 1/s
        tau_mem_inv (Tensor): inverse membrane time constant :math:`1/\\tau_\\text{mem}` in 1/s
        v_leak (Tensor): leak potential
        v_th (Tensor): threshold potential
        v_reset (Tensor): reset potential
        method (str): threshold method, which sets the surrogate gradient
        alpha (float): sharpness of the surrogate gradient
    """

    tau_syn_inv: Tensor = 1.0 / 5e-3  # type: ignore[assignment]  # norse's float default
    tau_mem_inv: Tensor = 1.0 / 1e-2  # type: ignore[assignment]  # norse's float default
    v_leak: Tensor = 0.0  # type: ignore[assignment]  # norse's float default
    v_th: Tensor = 1.0  # type: ignore[assignment]  # norse's float default
    v_reset: Tensor = 0.0  # type: ignore[assignment]  # norse's float default
    method: str = "super"
    alpha: float = 100.0


class LIFState(NamedTuple):
    """State of a recurrent LIF neuron: spikes ``z`` of the last step, voltage ``v``, current ``i``."""

    z: Tensor
    v: Tensor
    i: Tensor


class LIFFeedForwardState(NamedTuple):
    """State of a feed-forward LIF neuron: voltage ``v`` and current ``i``."""

    v: Tensor
    i: Tensor


def lif_integrate(
    v: Tensor, i: Tensor, p: LIFParameters, dt: float, detach_reset: bool = False
) -> Tuple[Tensor, Tensor, Tensor]:
    r"""Integrate :math:`v, i` by one Euler step, then threshold and reset.

    Returns ``(z, v_new, i_decayed)``; the current ``i`` already includes this step's input.
    With ``detach_reset`` the reset passes no gradient through :math:`z` (norse's recurrent step).
    """
    v_decayed = v + dt * p.tau_mem_inv * ((p.v_leak - v) + i)
    i_decayed = i - dt * p.tau_syn_inv * i
    z = threshold_crossing(v_decayed, p.v_th, p.method, p.alpha)
    z_reset = z.detach() if detach_reset else z
    v_new = (1.0 - z_reset) * v_decayed + z_reset * p.v_reset
    return z, v_new, i_decayed


def recurrent_current(
    i: Tensor, input_tensor: Tensor, z: Tensor, input_weights: Tensor, recurrent_weights: Tensor
) -> Tensor:
    r"""The current jump of a recurrent neuron,
    :math:`i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z` (summed in this order)."""
    return projected_recurrent_current(i, torch.nn.functional.linear(input_tensor, input_weights), z, recurrent_weights)


def projected_recurrent_current(i: Tensor, input_current: Tensor, z: Tensor, recurrent_weights: Tensor) -> Tensor:
    r""":func:`recurrent_current` with the input current :math:`W_{\text{in}} z_{\text{in}}` given
    (a recurrent layer computes it for all time steps in one product)."""
    return i + input_current + torch.nn.functional.linear(z, recurrent_weights)


def lif_feed_forward_step(
    input_spikes: Tensor,
    state: LIFFeedForwardState,
    p: LIFParameters = default_parameters(LIFParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFFeedForwardState]:
    r"""One Euler step of a feed-forward LIF neuron driven by the current ``input_spikes``:
    :math:`i \leftarrow i + i_{\text{in}}`, then :func:`lif_integrate`."""
    z, v, i = lif_integrate(state.v, state.i + input_spikes, p, dt)
    return z, LIFFeedForwardState(v, i)


def lif_step(
    input_spikes: Tensor,
    state: LIFState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    p: LIFParameters = default_parameters(LIFParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFState]:
    r"""One Euler step of a recurrent LIF neuron:
    :math:`i \leftarrow i + W_{\text{in}} z_{\text{in}} + W_{\text{rec}} z`, then
    :func:`lif_integrate`. As in norse, the reset passes no gradient through :math:`z`."""
    input_current = torch.nn.functional.linear(input_spikes, input_weights)
    return lif_projected_step(input_current, state, recurrent_weights, p, dt)


def lif_projected_step(
    input_current: Tensor, state: LIFState, recurrent_weights: Tensor, p: LIFParameters, dt: float = 0.001
) -> Tuple[Tensor, LIFState]:
    r""":func:`lif_step` with the input current :math:`W_{\text{in}} z_{\text{in}}` given."""
    i_jump = projected_recurrent_current(state.i, input_current, state.z, recurrent_weights)
    z, v, i = lif_integrate(state.v, i_jump, p, dt, detach_reset=True)
    return z, LIFState(z, v, i)


def lif_current_encoder(
    input_current: Tensor,
    voltage: Tensor,
    p: LIFParameters = default_parameters(LIFParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, Tensor]:
    r"""One Euler step of a LIF membrane driven directly by ``input_current`` (no synaptic current):
    :math:`v \leftarrow v + \Delta t\, \tau_{\text{mem}}^{-1} ((v_{\text{leak}} - v) + i_{\text{in}})`,
    :math:`z = \Theta(v - v_{\text{th}})`, :math:`v \leftarrow v - z (v - v_{\text{reset}})`.
    Returns ``(z, v)``."""
    voltage = voltage + dt * p.tau_mem_inv * ((p.v_leak - voltage) + input_current)
    z = threshold_crossing(voltage, p.v_th, p.method, p.alpha)
    return z, voltage - z * (voltage - p.v_reset)


default_bio_parameters = LIFParameters(
    tau_syn_inv=torch.as_tensor(1 / 0.5),
    tau_mem_inv=torch.as_tensor(1 / 20.0),
    v_leak=torch.as_tensor(-65.0),
    v_th=torch.as_tensor(-50.0),
    v_reset=torch.as_tensor(-65.0),
)
"""norse 1.1's biologically scaled LIF parameters (mV, 1/ms)."""

default_bio_initial_state = LIFState(z=torch.as_tensor(0.0), v=torch.as_tensor(-65.0), i=torch.as_tensor(0.0))
"""norse 1.1's initial state for :data:`default_bio_parameters`: resting at -65 mV."""


def lif_feed_forward_integral(
    input_tensor: Tensor,
    state: LIFFeedForwardState,
    p: LIFParameters = default_parameters(LIFParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFFeedForwardState]:
    """:func:`lif_feed_forward_step` over the time steps of ``input_tensor`` ``(T, ...)``:
    returns the spikes of every step ``(T, ...)`` and the last state."""
    spikes = []
    for input_spikes in input_tensor:
        z, state = lif_feed_forward_step(input_spikes, state, p, dt)
        spikes.append(z)
    return torch.stack(spikes), state


def lif_step_integral(
    input_tensor: Tensor,
    state: LIFState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    p: LIFParameters = default_parameters(LIFParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFState]:
    """:func:`lif_step` over the time steps of ``input_tensor`` ``(T, ...)``: returns the spikes of
    every step ``(T, ...)`` and the last state.

    norse 1.1 documents the same but returns the last step's spikes only (``return z, state`` after
    its loop); this returns all of them, as its docstring says."""
    spikes = []
    for input_spikes in input_tensor:
        z, state = lif_step(input_spikes, state, input_weights, recurrent_weights, p, dt)
        spikes.append(z)
    return torch.stack(spikes), state


def refuse_compiling_sparse(name: str) -> None:
    """Raise a ``RuntimeError`` under ``torch.compile``/``torch.export``: sparse steps do not deploy."""
    if torch.compiler.is_compiling():
        raise RuntimeError(
            f"{name} works on sparse tensors, which torch.compile, torch.export and ONNX cannot take; "
            f"deploy the dense step ({name.replace('_sparse', '')}) instead"
        )


def lif_step_sparse(
    input_spikes: Tensor,
    state: LIFState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    p: LIFParameters,
    dt: float = 0.001,
) -> Tuple[Tensor, LIFState]:
    """:func:`lif_step` for sparse ``input_spikes`` and ``state.z`` ``(batch, n)``: the current jump
    by ``torch.sparse.mm``; returns the spikes as a sparse tensor, also in the state. Eager only."""
    refuse_compiling_sparse("lif_step_sparse")
    i_jump = (
        state.i + torch.sparse.mm(input_spikes, input_weights.t()) + torch.sparse.mm(state.z, recurrent_weights.t())
    )
    z, v, i = lif_integrate(state.v, i_jump, p, dt)
    z_sparse = z.to_sparse()
    return z_sparse, LIFState(z_sparse, v, i)


def lif_feed_forward_step_sparse(
    input_tensor: Tensor, state: LIFFeedForwardState, p: LIFParameters, dt: float = 0.001
) -> Tuple[Tensor, LIFFeedForwardState]:
    """:func:`lif_feed_forward_step` returning its spikes as a sparse tensor. Eager only."""
    refuse_compiling_sparse("lif_feed_forward_step_sparse")
    z, state = lif_feed_forward_step(input_tensor, state, p, dt)
    return z.to_sparse(), state
