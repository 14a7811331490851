"""The one table of every public module: how to build it and what to feed it.

Every generic test (compile, script, float64, CUDA, gradients, export) iterates ``CASES``;
``test_registry.py`` fails when a public ``nn.Module`` class of ``snn_deploy`` has no case.
"""

from dataclasses import dataclass
from typing import Callable, Tuple

import torch
from torch import Tensor, nn

import snn_deploy as snn


@dataclass(frozen=True)
class Case:
    """``make()`` builds the module; ``inputs(generator, dtype)`` draws fresh call arguments.

    ``kind``: ``cell`` (one step, state), ``layer`` (sequence, state), ``stateless`` (tensor out),
    ``container``. ``spiking``: its outputs include spikes, which the inputs must make happen.
    """

    name: str
    make: Callable[[], nn.Module]
    inputs: Callable[[torch.Generator, torch.dtype], Tuple]
    kind: str
    spiking: bool = True


def current(*shape: int, scale: float = 400.0):
    """Random input currents ``scale * U(0, 1)`` large enough to make neurons fire within a few steps."""

    def draw(generator: torch.Generator, dtype: torch.dtype) -> Tuple[Tensor]:
        return (scale * torch.rand(*shape, generator=generator, dtype=dtype),)

    return draw


def spikes(*shape: int, rate: float = 0.3):
    """Random Bernoulli(rate) spike inputs."""

    def draw(generator: torch.Generator, dtype: torch.dtype) -> Tuple[Tensor]:
        return ((torch.rand(*shape, generator=generator, dtype=dtype) < rate).to(dtype),)

    return draw


def spikes_and_state(*shape: int):
    def draw(generator: torch.Generator, dtype: torch.dtype) -> Tuple[Tensor, None]:
        return spikes(*shape)(generator, dtype) + (None,)

    return draw


T, B = 6, 3

CASES = [
    Case("LIFCell", lambda: snn.LIFCell(), current(B, 5), "cell"),
    Case("LIF", lambda: snn.LIF(), current(T, B, 5), "layer"),
    Case("LIFRecurrentCell", lambda: snn.LIFRecurrentCell(4, 5), current(B, 4, scale=100.0), "cell"),
    Case("LIFRecurrent", lambda: snn.LIFRecurrent(4, 5), current(T, B, 4, scale=100.0), "layer"),
    Case("LICell", lambda: snn.LICell(), current(B, 5), "cell", spiking=False),
    Case("LI", lambda: snn.LI(), current(T, B, 5), "layer", spiking=False),
    Case("LILinearCell", lambda: snn.LILinearCell(4, 5), spikes(B, 4), "cell", spiking=False),
    Case("Lift", lambda: snn.Lift(nn.Linear(4, 5)), current(T, B, 4), "stateless", spiking=False),
    Case("LConv2d", lambda: snn.LConv2d(2, 3, 3, padding=1), current(T, B, 2, 6, 6), "stateless", spiking=False),
    Case(
        "SequentialState",
        lambda: snn.SequentialState(
            snn.Lift(nn.Conv2d(2, 4, 3)), nn.Flatten(2), snn.LIFRecurrent(16, 6), snn.LIF(), snn.LI()
        ),
        current(T, B, 2, 4, 4, scale=20.0),
        "container",
    ),
    Case("RegularizationCell", lambda: snn.RegularizationCell(), spikes_and_state(B, 5), "stateless", spiking=False),
]

CASES_BY_NAME = {case.name: case for case in CASES}
