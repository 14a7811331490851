"""One-step Poisson encoders: ``PoissonEncoderStep`` and ``SignedPoissonEncoderStep`` (norse 1.1).

Each call draws one time step of spikes, ``(*x.shape)``, so they sit inside a time loop (for
instance in a :class:`~snn_deploy.RecurrentSequential` or a user's own loop). Random numbers as in
:mod:`snn_deploy.functional.encode`: a ``seed`` or ``generator`` is used in eager mode; scripted
and compiled modules draw from torch's global RNG.
"""

from typing import Any, Optional

import torch
from torch import Tensor, nn

from snn_deploy.functional.encode import poisson_encode_step, signed_poisson_encode_step
from snn_deploy.module.input_checks import check_float_input


class _RandomStepEncoder(nn.Module):
    """``f_max``, ``dt`` and an optional ``torch.Generator`` (or a ``seed`` for a new CPU one)."""

    __jit_ignored_attributes__ = ["generator"]

    def __init__(
        self,
        f_max: float = 1000,
        dt: float = 0.001,
        *,
        generator: Optional[torch.Generator] = None,
        seed: Optional[int] = None,
    ):
        super().__init__()
        if generator is not None and seed is not None:
            raise ValueError(f"{type(self).__name__}: pass a generator or a seed, not both")
        self.f_max = float(f_max)
        self.dt = float(dt)
        self.generator = torch.Generator().manual_seed(seed) if seed is not None else generator

    @torch.jit.unused
    def _eager_generator(self, input_tensor: Any) -> Optional[torch.Generator]:
        check_float_input(type(self).__name__, input_tensor, 0, "(batch, ...)")
        return self.generator

    def extra_repr(self) -> str:
        return f"f_max={self.f_max}, dt={self.dt}"


class PoissonEncoderStep(_RandomStepEncoder):
    r"""One step of Poisson spikes of rate :math:`f_{\max} x` for :math:`x \in [0, 1]`:
    :math:`z = [u < \Delta t\, f_{\max}\, x]`, :math:`u \sim U(0, 1)`. No gradient reaches ``x``."""

    def forward(self, x: Tensor) -> Tensor:
        generator: Optional[torch.Generator] = None
        if not torch.jit.is_scripting():
            generator = self._eager_generator(x)
        return poisson_encode_step(x, self.f_max, self.dt, generator)


class SignedPoissonEncoderStep(_RandomStepEncoder):
    r"""One step of signed Poisson spikes for :math:`x \in [-1, 1]`:
    :math:`z = \operatorname{sign}(x) [u < \Delta t\, f_{\max} |x|]` in :math:`\{-1, 0, 1\}`."""

    def forward(self, x: Tensor) -> Tensor:
        generator: Optional[torch.Generator] = None
        if not torch.jit.is_scripting():
            generator = self._eager_generator(x)
        return signed_poisson_encode_step(x, self.f_max, self.dt, generator)
