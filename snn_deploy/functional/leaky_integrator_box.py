r"""Box leaky integrator: a leaky integrator without a synaptic current (norse 1.1's ``leaky_integrator_box``).

.. math::
    \dot{v} = \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v + i_{\text{in}})

The input moves the voltage at once; the output is the new voltage.
"""

from typing import NamedTuple, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.defaults import default_parameters


class LIBoxParameters(NamedTuple):
    """Parameters of a box leaky integrator: ``tau_mem_inv`` (1/s) and ``v_leak``."""

    tau_mem_inv: Tensor = 1.0 / 1e-2  # type: ignore[assignment]  # norse's float default
    v_leak: Tensor = 0.0  # type: ignore[assignment]  # norse's float default


class LIBoxState(NamedTuple):
    """State of a box leaky integrator: voltage ``v``."""

    v: Tensor


def li_box_feed_forward_step(
    input_tensor: Tensor,
    state: LIBoxState,
    p: LIBoxParameters = default_parameters(LIBoxParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIBoxState]:
    r""":math:`v \leftarrow v + \Delta t\, \tau_{\text{mem}}^{-1} ((v_{\text{leak}} - v) + i_{\text{in}})`;
    returns ``(v_new, state)``."""
    v_new = state.v + dt * p.tau_mem_inv * ((p.v_leak - state.v) + input_tensor)
    return v_new, LIBoxState(v_new)


def li_box_step(
    input_spikes: Tensor,
    state: LIBoxState,
    input_weights: Tensor,
    p: LIBoxParameters = default_parameters(LIBoxParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIBoxState]:
    r""":func:`li_box_feed_forward_step` driven by :math:`W_{\text{in}} x`."""
    return li_box_feed_forward_step(torch.nn.functional.linear(input_spikes, input_weights), state, p, dt)
