"""The building blocks of the case table in ``cases.py``: a case and input generators."""

from dataclasses import dataclass
from typing import Callable, Tuple

import torch
from torch import Tensor, nn


@dataclass(frozen=True)
class Case:
    """``make()`` builds the module; ``inputs(generator, dtype)`` draws fresh call arguments.

    ``kind``: ``cell`` (one step, state), ``layer`` (sequence, state), ``stateless`` (tensor out),
    ``container``. ``spiking``: its outputs include spikes, which the inputs must make happen.
    ``differentiable``: a gradient reaches the input; ``False`` (random encoders, whose spikes are
    drawn by comparing uniforms with the input) makes the gradient test require that none does.
    ``scriptable``: ``False`` for a module TorchScript cannot type (``RecurrentSequential``); the
    script test then requires a clear ``TypeError`` saying it cannot be scripted.

    A model that draws random numbers is built with ``seed=RNG_SEED``: the generic tests seed
    torch's global RNG with ``RNG_SEED`` before every call, and a scripted or compiled encoder,
    which cannot carry a generator, draws from it the same numbers as the eager encoder.
    """

    name: str
    make: Callable[[], nn.Module]
    inputs: Callable[[torch.Generator, torch.dtype], Tuple]
    kind: str
    spiking: bool = True
    differentiable: bool = True
    scriptable: bool = True


RNG_SEED = 0

# The cases the fast subset (``make test-fast``) and the default inductor compile run: a cell, a
# recurrent layer, a container of LIF, LIFRecurrent and LI layers, a deterministic and a random
# encoder, weights as call arguments.
REPRESENTATIVE_CASES = {
    "LIFCell",
    "LIFRecurrent",
    "SequentialState",
    "ConstantCurrentLIFEncoder",
    "PoissonEncoder",
    "LIFCorrelation",
}


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


def built(case: Case, seed: int = 0) -> nn.Module:
    """The case's module in eval mode, its random weights drawn after ``torch.manual_seed(seed)``."""
    torch.manual_seed(seed)
    return case.make().eval()
