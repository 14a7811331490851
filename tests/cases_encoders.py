"""Cases of the encoders: constant-current and spike-latency LIF, Poisson, population codes."""

from typing import Tuple

import torch
from case_tools import RNG_SEED, B, Case, T, current, spikes
from torch import Tensor

import snn_deploy as snn


def signed_values(*shape: int):
    """Random values ``U(-1, 1)``, the input range of the signed Poisson encoder."""

    def draw(generator: torch.Generator, dtype: torch.dtype) -> Tuple[Tensor]:
        return (2.0 * torch.rand(*shape, generator=generator, dtype=dtype) - 1.0,)

    return draw


CASES = [
    Case("ConstantCurrentLIFEncoder", lambda: snn.ConstantCurrentLIFEncoder(T), current(B, 5, scale=40.0), "stateless"),
    Case("SpikeLatencyLIFEncoder", lambda: snn.SpikeLatencyLIFEncoder(T), current(B, 5, scale=40.0), "stateless"),
    Case("SpikeLatencyEncoder", lambda: snn.SpikeLatencyEncoder(), spikes(T, B, 5), "stateless"),
    Case("PopulationEncoder", lambda: snn.PopulationEncoder(4), current(B, 5, scale=1.0), "stateless", spiking=False),
    Case(
        "PoissonEncoder",
        lambda: snn.PoissonEncoder(T, f_max=500.0, seed=RNG_SEED),
        current(B, 5, scale=1.0),
        "stateless",
        differentiable=False,
    ),
    Case(
        "SignedPoissonEncoder",
        lambda: snn.SignedPoissonEncoder(T, f_max=500.0, seed=RNG_SEED),
        signed_values(B, 5),
        "stateless",
        spiking=False,
        differentiable=False,
    ),
]
