"""``SpikesToTimesDecoder``: spike trains to the times of their first spikes (norse 1.1's module)."""

from typing import Union

import torch
from torch import Tensor, nn

from snn_deploy.functional.spikes_to_times_decoder import spikes_to_times
from snn_deploy.module.input_checks import check_float_input


class SpikesToTimesDecoder(nn.Module):
    r"""Decode spikes ``(T, batch, features)`` (any ``(T, ...)``) into the times of the first
    ``spike_count`` spikes of every trace, ``(min(spike_count, T), batch, features)`` in ascending
    order, ``inf`` where a trace has fewer spikes (``spike_count=0`` gives an empty ``(0, ...)``
    tensor, as in norse). With ``convert_indices_to_times`` the time
    indices are multiplied by ``dt``. The gradient is norse's: :math:`-1` at each returned spike
    (see :mod:`snn_deploy.functional.spikes_to_times_decoder`).
    """

    def __init__(
        self,
        spike_count: Union[int, Tensor] = 1,
        convert_indices_to_times: bool = True,
        dt: float = 1e-3,
    ):
        super().__init__()
        count = int(spike_count)
        if count < 0:
            raise ValueError(f"SpikesToTimesDecoder: expected spike_count >= 0, got {count}")
        self.spike_count = count
        self.convert_to_time = bool(convert_indices_to_times)
        self.dt = float(dt)

    def extra_repr(self) -> str:
        return f"spike_count={self.spike_count}, convert_indices_to_times={self.convert_to_time}, dt={self.dt}"

    def forward(self, spike_input: Tensor) -> Tensor:
        if not torch.jit.is_scripting():
            check_float_input("SpikesToTimesDecoder", spike_input, 1, "(time, batch, features)")
        spike_indices = spikes_to_times(spike_input, self.spike_count)
        if self.convert_to_time:
            return spike_indices * self.dt
        return spike_indices
