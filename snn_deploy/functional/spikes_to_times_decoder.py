r"""Spike-train to spike-time decoding (norse 1.1's ``ToSpikeTimes``), without ``torch.autograd.Function``.

For spikes :math:`z` of shape ``(T, ...)`` (norse: ``(T, batch, features)``) the output ``(K, ...)`` holds,
per trace, the time indices of its first :math:`K` = ``min(spike_count, T)`` spikes in ascending
order, and :math:`\infty` where a trace has fewer spikes. The gradient is norse's: :math:`-1`
times the output gradient, at each returned spike's position in :math:`z`; zero elsewhere. It is
the straight-through form :math:`\text{idx} - (M z - \operatorname{detach}(M z))` with the
selection :math:`M_{k,t} = [t = \text{idx}_k]`.
"""

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
    selection = (times.unsqueeze(0) == indices.unsqueeze(1)).to(spike_input.dtype)  # (K, T, ...)
    selected = (selection * spike_input.unsqueeze(0)).sum(dim=1)
    return indices - (selected - selected.detach())
