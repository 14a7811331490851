r"""Spike-train to spike-time decoding (norse 1.1's ``ToSpikeTimes``), without ``torch.autograd.Function``.

For spikes :math:`z` of shape ``(T, ...)`` (norse: ``(T, batch, features)``) the output ``(K, ...)`` holds,
per trace, the time indices of its first :math:`K` = ``min(spike_count, T)`` spikes in ascending
order, and :math:`\infty` where a trace has fewer spikes. The gradient is norse's: :math:`-1`
times the output gradient, at each returned spike's position in :math:`z`; zero elsewhere. It is
the straight-through form :math:`\text{idx} - (M z - \operatorname{detach}(M z))` with the
selection :math:`M_{k,t} = [t = \text{idx}_k]`.
"""

from typing import Any, Tuple, Union

import torch
from torch import Tensor


def spikes_to_times(spike_input: Tensor, spike_count: int) -> Tensor:
    """Time indices ``(min(spike_count, T), ...)`` of the first spikes of every trace of
    ``spike_input`` ``(T, ...)``, ``inf`` where there are fewer spikes."""
    steps = spike_input.shape[0]
    spikes = spike_input.detach()
    times = torch.arange(steps, dtype=spikes.dtype, device=spikes.device)
    times = times.reshape([steps] + [1] * (spikes.dim() - 1))
    indexed = torch.where(spikes != 0, times.expand_as(spikes), torch.full_like(spikes, float("inf")))
    indices = torch.sort(indexed, dim=0).values[: min(spike_count, steps)]
    if not spike_input.requires_grad:
        return indices
    selection = _selection(spike_input, indices)  # (K, T, ...)
    selected = (selection * spike_input.unsqueeze(0)).sum(dim=1)
    return indices - (selected - selected.detach())


def _selection(spikes: Tensor, indices: Tensor) -> Tensor:
    """``M[k, t, ...] = [t = indices[k, ...]]`` for spikes ``(T, ...)`` and indices ``(K, ...)``."""
    times = torch.arange(spikes.shape[0], dtype=indices.dtype, device=indices.device)
    times = times.reshape([1, spikes.shape[0]] + [1] * (spikes.dim() - 1))
    return (times == indices.unsqueeze(1)).to(spikes.dtype)


class ToSpikeTimes(torch.autograd.Function):
    """norse 1.1's ``ToSpikeTimes``, a ``torch.autograd.Function`` for code that calls
    ``ToSpikeTimes.apply(spikes, spike_count)`` directly: the values and gradient of
    :func:`spikes_to_times`. A scripted model holding it cannot be saved, nor exported (an autograd Function);
    :func:`spikes_to_times` and ``SpikesToTimesDecoder`` can."""

    @staticmethod
    def forward(ctx: Any, spike_input: Tensor, spike_count: Union[Tensor, int]) -> Tensor:
        indices = spikes_to_times(spike_input.detach(), int(spike_count))
        ctx.save_for_backward(spike_input, indices)
        return indices

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Tensor) -> Tuple[Tensor, None]:
        """-1 times the output gradient at each returned spike's position, 0 elsewhere."""
        spike_input, indices = ctx.saved_tensors
        selection = _selection(spike_input, indices)
        return -(selection * grad_outputs[0].unsqueeze(1)).sum(dim=0), None
