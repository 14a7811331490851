r"""Encoders: turn numbers into spike trains (or, for population codes, into receptive-field activity).

Every spike-train encoder returns a tensor of shape ``(seq_length, *input.shape)``; ``seq_length``
is a Python int, so compiled and exported graphs unroll it. Integer inputs (as in norse's
examples) are promoted to floating point by the arithmetic; outputs have the input's float dtype.

* :func:`constant_current_lif_encode`: a LIF membrane driven by the constant current :math:`x`,
  starting from :math:`v = 0`: :math:`v \leftarrow v + \Delta t\,\tau_{\text{mem}}^{-1}(v_{\text{leak}} - v + x)`,
  :math:`z = \Theta(v - v_{\text{th}})`, then reset to :math:`v_{\text{reset}}` (one step of
  :func:`~snn_deploy.functional.lif.lif_integrate` with the current held at :math:`x`).
* :func:`spike_latency_encode` keeps only the first spike of every neuron;
  :func:`spike_latency_lif_encode` applies it to :func:`constant_current_lif_encode`.
* :func:`poisson_encode`: Bernoulli spikes :math:`z_t = [u_t < \Delta t\, f_{\max}\, x]`,
  :math:`u_t \sim U(0, 1)`, i.e. a Poisson process of rate :math:`f_{\max} x`;
  :func:`signed_poisson_encode` emits :math:`\operatorname{sign}(x) [u_t < \Delta t\, f_{\max} |x|]`.
* :func:`population_encode`: :math:`K(d(x, c_k) \cdot s)` for ``out_features`` centres
  :math:`c_k` evenly spaced on :math:`[0, s]`.

Randomness: the uniforms :math:`u_t` are drawn in float32, as norse does, whatever the input
dtype, so one seed gives the same spikes in every dtype (up to the rounding of the rate
:math:`\Delta t f_{\max} x`). A ``generator`` is used in eager mode and by scripted functions
(a scripted encoder *module* cannot hold one: ``torch.jit.save`` cannot store a generator); it
draws on its own device, so a CPU generator gives the same trains for CPU and CUDA inputs.
Poisson spikes pass no gradient to the input. ``torch.compile`` and ``torch.export`` cannot trace a
``torch.Generator`` (dynamo: "Missing ``as_proxy()`` implementation" for it, a graph break), so
there the draw comes from torch's global RNG of the input's device: seed it with
``torch.manual_seed``. On CPU, ``torch.manual_seed(s)`` followed by a compiled call with
``torch._inductor.config.fallback_random = True`` draws exactly what a generator seeded with
``s`` draws in eager mode (inductor's own RNG, the default, draws other numbers).

Differences from norse 1.1, all in favour of sound or export-clean behaviour:

* outputs keep the input's float dtype and device (norse returns float32 and, in
  ``signed_poisson_encode`` and ``population_encode``, builds tensors on the CPU);
* ``constant_current_lif_encode`` returns only the spikes, as norse's code does; its docstring
  example also shows voltages, which norse never returns;
* the LIF reset is :math:`(1 - z) v + z v_{\text{reset}}` (norse: :math:`v - z (v - v_{\text{reset}})`),
  equal up to rounding when :math:`v_{\text{reset}} \neq 0`, with the same gradient;
* ``population_encode`` takes a per-sample ``scale`` tensor broadcastable to the input, as norse
  documents but cannot do (it calls ``bool()`` and ``linspace`` on it); only ``None`` (not ``0``)
  means "the maximum of the input".
"""

from typing import Callable, List, Optional, Tuple, Union

import torch
from torch import Tensor

from snn_deploy.functional.lif import LIFParameters, lif_integrate


def lif_current_encode(input_current: Tensor, seq_length: int, p: LIFParameters, dt: float) -> Tensor:
    """:func:`constant_current_lif_encode` without defaults, so that TorchScript compiles it
    (it refuses a ``LIFParameters()`` default whose tensor fields hold floats)."""
    v = torch.zeros_like(input_current)
    spikes: List[Tensor] = []
    for _ in range(seq_length):
        z, v, _ = lif_integrate(v, input_current, p, dt)
        spikes.append(z)
    return torch.stack(spikes)


def constant_current_lif_encode(
    input_current: Tensor, seq_length: int, p: LIFParameters = LIFParameters(), dt: float = 0.001
) -> Tensor:
    """Spikes ``(seq_length, *input.shape)`` of LIF neurons driven by the constant ``input_current``."""
    return lif_current_encode(input_current, seq_length, p, dt)


def spike_latency_encode(input_spikes: Tensor) -> Tensor:
    """Keep only the first spike of every neuron in ``input_spikes`` of shape ``(T, ...)``:
    :math:`y_t = x_t` while :math:`\\sum_{s<t} y_s \\le 0`, else 0. The dtype is kept."""
    seen = torch.zeros_like(input_spikes[0])
    spikes: List[Tensor] = []
    for spikes_t in input_spikes:
        first = torch.where(seen > 0, torch.zeros_like(spikes_t), spikes_t)
        spikes.append(first)
        seen = seen + first.detach()
    return torch.stack(spikes)


def spike_latency_lif_encode(
    input_current: Tensor, seq_length: int, p: LIFParameters = LIFParameters(), dt: float = 0.001
) -> Tensor:
    """The first spike of :func:`constant_current_lif_encode`: a LIF with an infinite refractory period."""
    return spike_latency_encode(lif_current_encode(input_current, seq_length, p, dt))


def uniform(shape: List[int], like: Tensor, generator: Optional[torch.Generator] = None) -> Tensor:
    """:math:`U(0, 1)` samples of ``shape`` in float32 on ``like``'s device (see the module notes)."""
    if not torch.jit.is_scripting():
        if generator is None or torch.compiler.is_compiling():
            # without the generator argument: aten::rand.generator refuses symbolic (dynamic) sizes
            return torch.rand(shape, dtype=torch.float32, device=like.device)
        samples = torch.rand(shape, generator=generator, dtype=torch.float32, device=generator.device)
        return samples.to(like.device)
    return torch.rand(shape, generator=generator, dtype=torch.float32, device=like.device)


def bernoulli_spikes(rate: Tensor, leading_shape: List[int], generator: Optional[torch.Generator] = None) -> Tensor:
    """Spikes :math:`[u < \\text{rate}]` of shape ``leading_shape + rate.shape``, in ``rate``'s dtype."""
    samples = uniform(leading_shape + list(rate.shape), rate, generator)
    return (samples < rate).to(rate.dtype)


def poisson_encode(
    input_values: Tensor,
    seq_length: int,
    f_max: float = 100,
    dt: float = 0.001,
    generator: Optional[torch.Generator] = None,
) -> Tensor:
    """Spikes ``(seq_length, *input.shape)`` with probability :math:`\\Delta t f_{\\max} x` per step
    for ``input_values`` :math:`x \\in [0, 1]`. Not differentiable."""
    return bernoulli_spikes(dt * f_max * input_values.detach(), [seq_length], generator)


def poisson_encode_step(
    input_values: Tensor, f_max: float = 1000, dt: float = 0.001, generator: Optional[torch.Generator] = None
) -> Tensor:
    """One time step of :func:`poisson_encode`: spikes of ``input_values``' shape."""
    return bernoulli_spikes(dt * f_max * input_values.detach(), [], generator)


def signed_poisson_encode(
    input_values: Tensor,
    seq_length: int,
    f_max: float = 100,
    dt: float = 0.001,
    generator: Optional[torch.Generator] = None,
) -> Tensor:
    """Signed spikes in :math:`\\{-1, 0, 1\\}` of shape ``(seq_length, *input.shape)``: sign of
    :math:`x \\in [-1, 1]`, with probability :math:`\\Delta t f_{\\max} |x|` per step."""
    x = input_values.detach()
    return torch.sign(x) * bernoulli_spikes(dt * f_max * torch.abs(x), [seq_length], generator)


def signed_poisson_encode_step(
    input_values: Tensor, f_max: float = 1000, dt: float = 0.001, generator: Optional[torch.Generator] = None
) -> Tensor:
    """One time step of :func:`signed_poisson_encode`: signed spikes of ``input_values``' shape."""
    x = input_values.detach()
    return torch.sign(x) * bernoulli_spikes(dt * f_max * torch.abs(x), [], generator)


def gaussian_rbf(tensor: Tensor, sigma: float = 1.0) -> Tensor:
    """Gaussian radial basis :math:`K(d) = \\exp(-d / (2 \\sigma^2))` of squared distances ``d``."""
    return torch.exp(-tensor / (2 * sigma**2))


def euclidean_distance(x: Tensor, y: Tensor) -> Tensor:
    """Elementwise squared distance :math:`(x - y)^2`."""
    return (x - y).pow(2)


def population_grid(
    input_values: Tensor, out_features: int, scale: Optional[Tensor] = None
) -> Tuple[Tensor, Tensor, Tensor]:
    """``(x, centres, scale)`` for :func:`population_encode`, the first two of shape
    ``(*input.shape, out_features)``; ``scale`` defaults to the maximum of the input and is
    returned with a trailing axis, ready to multiply the distances."""
    if scale is None:
        scale = input_values.max()
    end = scale.unsqueeze(-1)
    size = list(input_values.shape) + [out_features]
    return input_values.unsqueeze(-1).expand(size), _linspace_from_zero(end, out_features).expand(size), end


def _linspace_from_zero(end: Tensor, steps: int) -> Tensor:
    """``torch.linspace(0, end, steps)`` for a tensor ``end`` with a trailing axis, with ATen's
    formula (the first half counts up from 0, the second half down from ``end``)."""
    if steps == 1:
        return torch.zeros_like(end)
    index = torch.arange(steps, device=end.device)
    step = end / (steps - 1)
    return torch.where(index < steps // 2, step * index, end - step * (steps - 1 - index))


def population_encode(
    input_values: Tensor,
    out_features: int,
    scale: Optional[Union[float, Tensor]] = None,
    kernel: Callable[[Tensor], Tensor] = gaussian_rbf,
    distance_function: Callable[[Tensor, Tensor], Tensor] = euclidean_distance,
) -> Tensor:
    """Population code ``(*input.shape, out_features)``: :math:`K(d(x, c_k) \\cdot s)` with centres
    :math:`c_k = k s / (\\text{out\\_features} - 1)`. The values are not spikes; feed them to
    :func:`poisson_encode` for spike trains."""
    if scale is not None:
        scale = torch.as_tensor(scale, device=input_values.device)
    x, centres, scale = population_grid(input_values, out_features, scale)
    return kernel(distance_function(x, centres) * scale)
