r"""Idealized correlation sensor of the BrainScaleS-2 chips, one per synapse.

For pre-synaptic spikes :math:`z^{\text{pre}}_k` and post-synaptic spikes :math:`z^{\text{post}}_j`
each synapse :math:`(k, j)` keeps a flag :math:`q_{kj}` ("the last event was post, not pre"), a
causal trace :math:`c_{kj}` and an anti-causal trace :math:`a_{kj}`. One Euler step:

.. math::
    c &\leftarrow c - (1 - q) \, \Delta t \, \tau_c^{-1} c + \eta_+ z^{\text{pre}}_k \\
    a &\leftarrow a - q \, \Delta t \, \tau_{ac}^{-1} a + \eta_- z^{\text{post}}_j \\
    q &\leftarrow H(q + z^{\text{post}}_j - z^{\text{pre}}_k)

with the old :math:`q` in the decays. States have shape ``(batch, pre, post)``.

Deviation from norse 1.1: its spike masks broadcast the batch dimension against the synapse
array, which fails (or mixes batch entries) unless batch is 1 or equals the pre/post size; here
each batch entry gets its own sensors. For batch 1 the numerics are norse's.
"""

from typing import NamedTuple

import torch
from torch import Tensor

from snn_deploy.functional.defaults import default_parameters
from snn_deploy.functional.threshold import heaviside


class CorrelationSensorParameters(NamedTuple):
    """Parameters of the correlation sensor.

    Parameters:
        eta_p (Tensor): jump of the causal trace on a pre-synaptic spike
        eta_m (Tensor): jump of the anti-causal trace on a post-synaptic spike
        tau_ac_inv (Tensor): inverse time constant of the anti-causal trace in 1/s
        tau_c_inv (Tensor): inverse time constant of the causal trace in 1/s
    """

    eta_p: Tensor = 1.0  # type: ignore[assignment]  # norse's float default
    eta_m: Tensor = 1.0  # type: ignore[assignment]  # norse's float default
    tau_ac_inv: Tensor = 1.0 / 100e-3  # type: ignore[assignment]  # norse's float default
    tau_c_inv: Tensor = 1.0 / 100e-3  # type: ignore[assignment]  # norse's float default


class CorrelationSensorState(NamedTuple):
    """State of the correlation sensors, each of shape ``(batch, pre, post)``: the flag
    ``post_pre``, the ``correlation_trace`` and the ``anti_correlation_trace``."""

    post_pre: Tensor
    correlation_trace: Tensor
    anti_correlation_trace: Tensor


def correlation_sensor_step(
    z_pre: Tensor,
    z_post: Tensor,
    state: CorrelationSensorState,
    p: CorrelationSensorParameters = default_parameters(CorrelationSensorParameters),
    dt: float = 0.001,
) -> CorrelationSensorState:
    """One Euler step of the sensors between ``z_pre`` ``(batch, pre)`` and ``z_post``
    ``(batch, post)``; the flag passes no gradient, the traces pass it through the spikes."""
    pre_mask = z_pre.unsqueeze(-1)
    post_mask = z_post.unsqueeze(-2)
    correlation_decayed = state.correlation_trace + (1.0 - state.post_pre) * (
        dt * p.tau_c_inv * -state.correlation_trace
    )
    anti_correlation_decayed = state.anti_correlation_trace + state.post_pre * (
        dt * p.tau_ac_inv * -state.anti_correlation_trace
    )
    return CorrelationSensorState(
        post_pre=heaviside(state.post_pre + post_mask - pre_mask),
        correlation_trace=correlation_decayed + p.eta_p * pre_mask,
        anti_correlation_trace=anti_correlation_decayed + p.eta_m * post_mask,
    )


def correlation_based_update(
    ts: int,
    linear_update: torch.nn.Module,
    weights: Tensor,
    correlation_state: CorrelationSensorState,
    learning_rate: float,
    ts_frequency: int,
) -> Tensor:
    r"""norse 1.1's learning rule from the sensors, every ``ts_frequency``-th step ``ts``:

    .. math::
        w \leftarrow w + \eta\, \operatorname{reshape}(f([\operatorname{vec} c, \operatorname{vec} a]))

    with ``linear_update`` :math:`f` (its output detached) and the weights ``(post, pre)``; then both
    traces of ``correlation_state`` are zeroed in place. Other steps return ``weights`` unchanged.
    Reads the first batch entry's layout, as norse (shape ``(1, pre, post)``)."""
    if ts % ts_frequency != 0:
        return weights
    _, input_features, hidden_features = correlation_state.correlation_trace.shape
    traces = (correlation_state.correlation_trace.flatten(), correlation_state.anti_correlation_trace.flatten())
    dw = linear_update(torch.cat(traces)).detach()
    correlation_state.correlation_trace.zero_()
    correlation_state.anti_correlation_trace.zero_()
    return weights + learning_rate * torch.reshape(dw, (hidden_features, input_features))
