r"""Leaky integrator (LI): a LIF neuron without threshold, used as a readout.

.. math::
    \dot{v} = \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v + i), \qquad
    \dot{i} = -\tau_{\text{syn}}^{-1} i, \qquad i \leftarrow i + i_{\text{in}}

Step order (norse 1.1): add the input current, integrate :math:`v`, decay the current.
The output is the new voltage.
"""

from typing import NamedTuple, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.defaults import default_parameters


class LIParameters(NamedTuple):
    """Parameters of a leaky integrator: ``tau_syn_inv``, ``tau_mem_inv`` (1/s) and ``v_leak``."""

    tau_syn_inv: Tensor = 1.0 / 5e-3  # type: ignore[assignment]  # norse's float default
    tau_mem_inv: Tensor = 1.0 / 1e-2  # type: ignore[assignment]  # norse's float default
    v_leak: Tensor = 0.0  # type: ignore[assignment]  # norse's float default


class LIState(NamedTuple):
    """State of a leaky integrator: voltage ``v`` and current ``i``."""

    v: Tensor
    i: Tensor


def li_feed_forward_step(
    input_tensor: Tensor, state: LIState, p: LIParameters = default_parameters(LIParameters), dt: float = 0.001
) -> Tuple[Tensor, LIState]:
    r"""One Euler step driven by the current ``input_tensor``; returns ``(v_new, state)``."""
    i_jump = state.i + input_tensor
    v_new = state.v + dt * p.tau_mem_inv * ((p.v_leak - state.v) + i_jump)
    i_decayed = i_jump - dt * p.tau_syn_inv * i_jump
    return v_new, LIState(v_new, i_decayed)


def li_step(
    input_spikes: Tensor,
    state: LIState,
    input_weights: Tensor,
    p: LIParameters = default_parameters(LIParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIState]:
    r"""One Euler step driven by :math:`W_{\text{in}} x`; returns ``(v_new, state)``."""
    return li_feed_forward_step(torch.nn.functional.linear(input_spikes, input_weights), state, p, dt)
