r"""Recurrent LIF neuron with correlation sensors on its input and recurrent synapses.

One step of :func:`snn_deploy.functional.lif.lif_step` with weights given per call, then one
:func:`snn_deploy.functional.correlation_sensor.correlation_sensor_step` for the input synapses
(pre: this step's input, post: the new spikes) and one for the recurrent synapses (pre: the
previous step's spikes, post: the new spikes).
"""

from typing import NamedTuple, Tuple

from torch import Tensor

from snn_deploy.functional.correlation_sensor import (
    CorrelationSensorParameters,
    CorrelationSensorState,
    correlation_sensor_step,
)
from snn_deploy.functional.defaults import default_parameters
from snn_deploy.functional.lif import LIFParameters, LIFState, lif_step


class LIFCorrelationParameters(NamedTuple):
    """Parameters of the LIF neuron and of its input and recurrent correlation sensors."""

    lif_parameters: LIFParameters = LIFParameters()
    input_correlation_parameters: CorrelationSensorParameters = CorrelationSensorParameters()
    recurrent_correlation_parameters: CorrelationSensorParameters = CorrelationSensorParameters()


class LIFCorrelationState(NamedTuple):
    """State of the LIF neuron (``(batch, hidden)``) and of its input (``(batch, input, hidden)``)
    and recurrent (``(batch, hidden, hidden)``) correlation sensors."""

    lif_state: LIFState
    input_correlation_state: CorrelationSensorState
    recurrent_correlation_state: CorrelationSensorState


def lif_correlation_step(
    input_tensor: Tensor,
    state: LIFCorrelationState,
    input_weights: Tensor,
    recurrent_weights: Tensor,
    p: LIFCorrelationParameters = default_parameters(LIFCorrelationParameters),
    dt: float = 0.001,
) -> Tuple[Tensor, LIFCorrelationState]:
    """One Euler step of the LIF neuron, then of both correlation sensors."""
    z, lif_state = lif_step(input_tensor, state.lif_state, input_weights, recurrent_weights, p.lif_parameters, dt)
    input_correlation_state = correlation_sensor_step(
        input_tensor, z, state.input_correlation_state, p.input_correlation_parameters, dt
    )
    recurrent_correlation_state = correlation_sensor_step(
        state.lif_state.z, z, state.recurrent_correlation_state, p.recurrent_correlation_parameters, dt
    )
    return z, LIFCorrelationState(lif_state, input_correlation_state, recurrent_correlation_state)
