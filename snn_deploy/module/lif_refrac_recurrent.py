"""``LIFRefracRecurrent``: :class:`~snn_deploy.LIFRefracRecurrentCell` over time (norse 1.1).

See :mod:`snn_deploy.functional.lif_refrac` for the equations and the step order.
"""

from typing import List, Optional, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.lif_refrac import LIFRefracState
from snn_deploy.module.lif_refrac import _LIFRefracRecurrent
from snn_deploy.module.snn import RecurrentLayer, check_call


class LIFRefracRecurrent(_LIFRefracRecurrent, RecurrentLayer):
    """A recurrent LIF layer with absolute refractory period: ``forward(x) -> (z for all T, final
    LIFRefracState)`` for ``x`` of shape ``(T, batch, input_size)``.

    ``LIFRefracRecurrent(input_size, hidden_size, p=LIFRefracParameters(), input_weights=None,
    recurrent_weights=None, autapses=False, dt=0.001)``.
    """

    def initial_state(self, input_tensor: Tensor) -> LIFRefracState:
        return self.initial_step_state(input_tensor[0])

    def forward(self, input_tensor: Tensor, state: Optional[LIFRefracState] = None) -> Tuple[Tensor, LIFRefracState]:
        if not torch.jit.is_scripting():
            input_tensor = check_call(self, input_tensor, state)
        s = self.initial_state(input_tensor) if state is None else state
        outputs: List[Tensor] = []
        for input_t in input_tensor:
            output, s = self.step(input_t, s)
            outputs.append(output)
        return torch.stack(outputs), s
