r"""Multi-compartment LIF neuron: one LIF step plus a linear coupling of the voltages.

.. math::
    v \leftarrow v + \Delta t \, G v

applied after the recurrent LIF step (:func:`snn_deploy.functional.lif.lif_step`) and its reset, and
before the feed-forward LIF step (:func:`snn_deploy.functional.lif.lif_feed_forward_step`), as in
norse 1.1. :math:`G` (``g_coupling``, shape ``(hidden, hidden)``) holds the conductances between the
compartments in 1/s.
"""

from typing import Tuple

import torch
from torch import Tensor

from snn_deploy.functional.defaults import default_parameters
from snn_deploy.functional.lif import LIFFeedForwardState, LIFParameters, LIFState, lif_feed_forward_step, lif_step


def couple_compartments(v: Tensor, g_coupling: Tensor, dt: float) -> Tensor:
    r""":math:`v + \Delta t \, G v` for ``v`` of shape ``(batch, hidden)``."""
    return v + dt * torch.nn.functional.linear(v, g_coupling)


def lif_mc_step(
    input_tensor: Tensor,
    state: LIFState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    g_coupling: Tensor,
    p: LIFParameters = default_parameters(LIFParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFState]:
    """One Euler step of a multi-compartment LIF neuron: :func:`lif_step`, then
    :func:`couple_compartments` on the reset voltage."""
    z, lif = lif_step(input_tensor, state, input_weights, recurrent_weights, p, dt)
    return z, LIFState(lif.z, couple_compartments(lif.v, g_coupling, dt), lif.i)


def lif_mc_feed_forward_step(
    input_tensor: Tensor,
    state: LIFFeedForwardState,
    g_coupling: Tensor,
    p: LIFParameters = default_parameters(LIFParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFFeedForwardState]:
    """One Euler step of a feed-forward multi-compartment LIF neuron: :func:`couple_compartments`
    on the voltage, then :func:`lif_feed_forward_step`."""
    v = couple_compartments(state.v, g_coupling, dt)
    return lif_feed_forward_step(input_tensor, LIFFeedForwardState(v, state.i), p, dt)
