"""Encoder modules: numbers in, ``(seq_length, *input.shape)`` spike trains (or population codes) out.

See :mod:`snn_deploy.functional.encode` for the equations, the treatment of random numbers under
TorchScript and ``torch.compile``, and the differences from norse 1.1.
"""

from typing import Any, Callable, Optional, Union

import torch
from torch import Tensor, nn

from snn_deploy.functional.encode import (
    euclidean_distance,
    gaussian_rbf,
    lif_current_encode,
    poisson_encode,
    population_grid,
    signed_poisson_encode,
    spike_latency_encode,
)
from snn_deploy.functional.lif import LIFParameters
from snn_deploy.module.lif import LIFParameterFields
from snn_deploy.module.snn import NeuronModule


def _positive_int(value: int, name: str, owner: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{owner}: expected {name} to be a positive int, got {value!r}")
    return value


@torch.jit.unused
def _check_tensor(module: nn.Module, input_tensor: Any, min_dim: int = 0, layout: str = "") -> None:
    owner = type(module).__name__
    if not isinstance(input_tensor, Tensor):
        raise TypeError(f"{owner}: expected a tensor input, got {type(input_tensor).__name__}")
    if input_tensor.dim() < min_dim:
        raise ValueError(
            f"{owner}: expected an input of at least {min_dim} dimensions {layout}, "
            f"got {input_tensor.dim()}-D with shape {tuple(input_tensor.shape)}"
        )


class _LIFEncoder(LIFParameterFields, NeuronModule):
    """LIF parameters as buffers (they follow ``.to()``), ``seq_length`` and ``dt``."""

    def __init__(self, seq_length: int, p: Optional[LIFParameters] = None, dt: float = 0.001):
        super().__init__(p, dt)
        self.seq_length = _positive_int(seq_length, "seq_length", type(self).__name__)

    def extra_repr(self) -> str:
        return f"seq_length={self.seq_length}, {super().extra_repr()}"


class ConstantCurrentLIFEncoder(_LIFEncoder):
    r"""Spikes of LIF neurons driven by the input as a constant current, from :math:`v = 0`:

    .. math::
        v \leftarrow v + \Delta t\, \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v + x), \quad
        z = \Theta(v - v_{\text{th}}), \quad v \leftarrow (1 - z) v + z v_{\text{reset}}

    ``forward(x) -> z`` of shape ``(seq_length, *x.shape)``. With the defaults,
    ``x = [2, 4, 8, 16]`` and ``seq_length = 2`` give ``z = [[0, 0, 0, 1], [0, 0, 1, 1]]``.
    """

    def forward(self, input_currents: Tensor) -> Tensor:
        if not torch.jit.is_scripting():
            _check_tensor(self, input_currents)
        return lif_current_encode(input_currents, self.seq_length, self.p, self.dt)


class SpikeLatencyLIFEncoder(_LIFEncoder):
    """:class:`ConstantCurrentLIFEncoder` with an infinite refractory period: only the first
    spike of every neuron, so the input is encoded in the time to that spike.

    ``forward(x) -> z`` of shape ``(seq_length, *x.shape)``.
    """

    def forward(self, input_current: Tensor) -> Tensor:
        if not torch.jit.is_scripting():
            _check_tensor(self, input_current)
        return spike_latency_encode(lif_current_encode(input_current, self.seq_length, self.p, self.dt))


class SpikeLatencyEncoder(nn.Module):
    """Keep only the first spike of every neuron of a ``(T, ...)`` spike train (strong inputs spike
    first; Van Rullen & Thorpe 2001). ``[[0, 1, 1], [1, 1, 1]]`` becomes ``[[0, 1, 1], [1, 0, 0]]``.
    The dtype is kept, as in norse."""

    def forward(self, input_spikes: Tensor) -> Tensor:
        if not torch.jit.is_scripting():
            _check_tensor(self, input_spikes, 1, "(time, ...)")
        return spike_latency_encode(input_spikes)


class _RandomEncoder(nn.Module):
    """``seq_length``, ``f_max``, ``dt`` and an optional ``torch.Generator`` (or a ``seed`` for a
    new CPU generator) for reproducible trains. Without either, torch's global RNG is used.

    The generator is used in eager mode only: TorchScript cannot save one and ``torch.compile``
    cannot trace one, so scripted and compiled encoders draw from the global RNG (seed it with
    ``torch.manual_seed``; see :mod:`snn_deploy.functional.encode`).
    """

    __jit_ignored_attributes__ = ["generator"]

    def __init__(
        self,
        seq_length: int,
        f_max: float = 100,
        dt: float = 0.001,
        *,
        generator: Optional[torch.Generator] = None,
        seed: Optional[int] = None,
    ):
        super().__init__()
        owner = type(self).__name__
        self.seq_length = _positive_int(seq_length, "seq_length", owner)
        self.f_max = float(f_max)
        self.dt = float(dt)
        if generator is not None and seed is not None:
            raise ValueError(f"{owner}: pass a generator or a seed, not both")
        self.generator = torch.Generator().manual_seed(seed) if seed is not None else generator

    @torch.jit.unused
    def _eager_generator(self, input_tensor: Any) -> Optional[torch.Generator]:
        _check_tensor(self, input_tensor)
        return self.generator

    def extra_repr(self) -> str:
        return f"seq_length={self.seq_length}, f_max={self.f_max}, dt={self.dt}"


class PoissonEncoder(_RandomEncoder):
    r"""Poisson spike trains of rate :math:`f_{\max} x` for inputs :math:`x \in [0, 1]`:
    :math:`z_t = [u_t < \Delta t\, f_{\max}\, x]`, :math:`u_t \sim U(0, 1)`.

    ``forward(x) -> z`` of shape ``(seq_length, *x.shape)``; no gradient reaches ``x``.
    ``PoissonEncoder(T, seed=0)`` gives the same trains on every run.
    """

    def forward(self, x: Tensor) -> Tensor:
        generator: Optional[torch.Generator] = None
        if not torch.jit.is_scripting():
            generator = self._eager_generator(x)
        return poisson_encode(x, self.seq_length, self.f_max, self.dt, generator)


class SignedPoissonEncoder(_RandomEncoder):
    r"""Signed Poisson spike trains for inputs :math:`x \in [-1, 1]`:
    :math:`z_t = \operatorname{sign}(x) [u_t < \Delta t\, f_{\max} |x|]` in :math:`\{-1, 0, 1\}`.

    ``forward(x) -> z`` of shape ``(seq_length, *x.shape)``; no gradient reaches ``x``.
    """

    def forward(self, x: Tensor) -> Tensor:
        generator: Optional[torch.Generator] = None
        if not torch.jit.is_scripting():
            generator = self._eager_generator(x)
        return signed_poisson_encode(x, self.seq_length, self.f_max, self.dt, generator)


class PopulationEncoder(nn.Module):
    r"""Population code of every input value over ``out_features`` receptive fields:
    :math:`y_k = K(d(x, c_k) \cdot s)` with centres :math:`c_k = k s / (\text{out\_features} - 1)`,
    Gaussian :math:`K(d) = e^{-d/2}` and :math:`d(x, c) = (x - c)^2` by default.

    ``forward(x) -> y`` of shape ``(*x.shape, out_features)``; not spikes (see
    :class:`PoissonEncoder`). ``scale`` :math:`s` defaults to the maximum of each input tensor; a
    tensor scale broadcastable to the input sets it per sample (a buffer: it follows ``.to()``).
    ``kernel`` and ``distance_function`` must be TorchScript functions for the module to script.
    """

    scale: Optional[Tensor]

    def __init__(
        self,
        out_features: int,
        scale: Optional[Union[float, Tensor]] = None,
        kernel: Callable[[Tensor], Tensor] = gaussian_rbf,
        distance_function: Callable[[Tensor, Tensor], Tensor] = euclidean_distance,
    ):
        super().__init__()
        self.out_features = _positive_int(out_features, "out_features", type(self).__name__)
        if scale is not None:
            scale = torch.as_tensor(scale)
            scale = (scale if scale.is_floating_point() else scale.to(torch.get_default_dtype())).clone()
        self.register_buffer("scale", scale)
        self.kernel = kernel
        self.distance_function = distance_function

    def forward(self, input_tensor: Tensor) -> Tensor:
        if not torch.jit.is_scripting():
            _check_tensor(self, input_tensor)
        x, centres, scale = population_grid(input_tensor, self.out_features, self.scale)
        return self.kernel(self.distance_function(x, centres) * scale)

    def extra_repr(self) -> str:
        return f"out_features={self.out_features}, scale={self.scale}"
