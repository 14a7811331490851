"""``Lift``: apply a stateless module at every time step of a ``(T, B, ...)`` sequence."""

from typing import List

import torch
from torch import Tensor, nn


class Lift(nn.Module):
    r"""Apply ``module`` to each time step: :math:`y_t = f(x_t)` for :math:`t = 0 \dots T-1`.

    ``forward(x)`` takes ``x`` of shape ``(T, B, ...)`` (or a ``(x, state)`` pair, whose state is
    ignored as in norse) and returns ``torch.stack([module(x[t]) for t in range(T)])``.
    """

    def __init__(self, module: nn.Module):
        super().__init__()
        self.lifted_module = module

    def forward(self, x: Tensor) -> Tensor:
        if not torch.jit.is_scripting():
            if isinstance(x, tuple):
                x = x[0]
            if not isinstance(x, Tensor) or x.dim() < 2:
                got = f"{x.dim()}-D shape {tuple(x.shape)}" if isinstance(x, Tensor) else type(x).__name__
                raise ValueError(f"Lift: expected an input of shape (time, batch, ...), got {got}")
        outputs: List[Tensor] = []
        for x_t in x:
            outputs.append(self.lifted_module(x_t))
        return torch.stack(outputs)
