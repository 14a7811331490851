"""``Lift``: apply a stateless module at every time step of a ``(T, B, ...)`` sequence."""

from typing import List

import torch
from torch import Tensor, nn

# Modules that treat every sample of a batch on its own, so that T steps of a batch of B can run
# as one batch of T*B: the same arithmetic as a loop over time, in one call instead of T.
_PER_SAMPLE_MODULES = (
    nn.modules.conv._ConvNd,
    nn.Linear,
    nn.Bilinear,
    nn.modules.pooling._MaxPoolNd,
    nn.modules.pooling._AvgPoolNd,
    nn.modules.pooling._AdaptiveAvgPoolNd,
    nn.modules.pooling._AdaptiveMaxPoolNd,
    nn.Identity,
    nn.ReLU,
    nn.LeakyReLU,
    nn.ELU,
    nn.GELU,
    nn.SiLU,
    nn.Sigmoid,
    nn.Tanh,
    nn.Softplus,
    nn.Dropout,
)


def is_per_sample(module: nn.Module) -> bool:
    """True if ``module`` provably maps every sample independently of the rest of the batch."""
    if isinstance(module, nn.Sequential):
        return all(is_per_sample(child) for child in module)
    if isinstance(module, nn.Flatten):
        return module.start_dim >= 1 and (module.end_dim == -1 or module.end_dim >= 1)
    return isinstance(module, _PER_SAMPLE_MODULES)


class Lift(nn.Module):
    r"""Apply ``module`` to each time step: :math:`y_t = f(x_t)` for :math:`t = 0 \dots T-1`.

    ``forward(x)`` takes ``x`` of shape ``(T, B, ...)`` (or a ``(x, state)`` pair, whose state is
    ignored as in norse) and returns ``torch.stack([module(x[t]) for t in range(T)])``.

    When ``module`` treats samples independently (convolutions, linear maps, pooling, flatten,
    activations, and sequences of those), the steps run as one batch of ``T * B``, which gives the
    same values in one call; other modules (e.g. batch norm) run step by step.
    """

    def __init__(self, module: nn.Module):
        super().__init__()
        self.lifted_module = module
        self.fold_time = is_per_sample(module)

    def forward(self, x: Tensor) -> Tensor:
        if not torch.jit.is_scripting():
            if isinstance(x, tuple):
                x = x[0]
            if not isinstance(x, Tensor) or x.dim() < 2:
                got = f"{x.dim()}-D shape {tuple(x.shape)}" if isinstance(x, Tensor) else type(x).__name__
                raise ValueError(f"Lift: expected an input of shape (time, batch, ...), got {got}")
        if self.fold_time:
            folded = self.lifted_module(x.flatten(0, 1))
            return folded.reshape([x.shape[0], x.shape[1]] + list(folded.shape[1:]))
        outputs: List[Tensor] = []
        for x_t in x:
            outputs.append(self.lifted_module(x_t))
        return torch.stack(outputs)
