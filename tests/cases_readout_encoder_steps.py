"""Cases of norse 1.1's readout and one-step modules: ExpFilter, SpikesToTimesDecoder, the Poisson
encoder steps and RecurrentSequential."""

from typing import Tuple

import torch
from case_tools import RNG_SEED, B, Case, T, current, spikes
from cases_encoders import signed_values
from torch import Tensor, nn

import snn_deploy as snn


def rates(*shape: int):
    """Rates ``1 - U(0, 1)``: not the very uniforms a one-step encoder seeded like the input draws
    (``u < u`` would never spike)."""

    def draw(generator: torch.Generator, dtype: torch.dtype) -> Tuple[Tensor]:
        return (1.0 - torch.rand(*shape, generator=generator, dtype=dtype),)

    return draw


CASES = [
    Case("ExpFilter", lambda: snn.ExpFilter(4, 5), current(T, B, 4, scale=1.0), "stateless", spiking=False),
    Case(
        "SpikesToTimesDecoder",
        lambda: snn.SpikesToTimesDecoder(spike_count=2),
        spikes(T, B, 5, rate=0.5),
        "stateless",
        spiking=False,
    ),
    Case(
        "PoissonEncoderStep",
        lambda: snn.PoissonEncoderStep(seed=RNG_SEED),
        rates(B, 5),
        "stateless",
        differentiable=False,
    ),
    Case(
        "SignedPoissonEncoderStep",
        lambda: snn.SignedPoissonEncoderStep(seed=RNG_SEED),
        signed_values(B, 5),
        "stateless",
        spiking=False,
        differentiable=False,
    ),
    Case(
        "RecurrentSequential",
        lambda: snn.RecurrentSequential(nn.Linear(5, 5), snn.LIFCell()),
        current(B, 5, scale=100.0),
        "cell",
        scriptable=False,
    ),
]
