"""Cases of the LIF with correlation sensors, whose weights are call arguments."""

from typing import Tuple

import torch
from case_tools import B, Case, spikes

import snn_deploy as snn


def correlation_inputs(generator: torch.Generator, dtype: torch.dtype) -> Tuple:
    """Input spikes, positive input weights strong enough to fire, mixed recurrent weights, no state."""
    (x,) = spikes(B, 4, rate=0.5)(generator, dtype)
    input_weights = 30.0 * torch.rand(5, 4, generator=generator, dtype=dtype)
    recurrent_weights = 10.0 * torch.randn(5, 5, generator=generator, dtype=dtype)
    return x, input_weights, recurrent_weights, None


CASES = [
    # A cell whose weights are call arguments (norse's API): "layer" here only means that the
    # generic tests call it once with the drawn arguments, not a second time with (x, state).
    Case("LIFCorrelation", lambda: snn.LIFCorrelation(4, 5), correlation_inputs, "layer"),
]
