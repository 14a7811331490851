"""``Lift``: apply a module at every time step of a ``(T, ...)`` sequence."""

from typing import Any, List, Optional, Tuple

import torch
from torch import Tensor, nn

from snn_deploy.module.sequential import is_stateful

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
_SPATIAL_DIMS = {"1d": 1, "2d": 2, "3d": 3}


def is_per_sample(module: nn.Module) -> bool:
    """True if ``module`` provably maps every sample independently of the rest of the batch."""
    if isinstance(module, nn.Sequential):
        return all(is_per_sample(child) for child in module)
    if isinstance(module, nn.Flatten):
        return module.start_dim >= 1 and (module.end_dim == -1 or module.end_dim >= 1)
    return isinstance(module, _PER_SAMPLE_MODULES)


def batched_rank(module: nn.Module) -> int:
    """The rank of a batched input of ``module``: ``2 + spatial dimensions`` for convolutions and
    pooling (``Conv2d``: 4), 2 otherwise; a one-step input of lower rank is unbatched."""
    if isinstance(module, nn.Sequential) and len(module) > 0:
        return batched_rank(module[0])
    if isinstance(module, nn.modules.conv._ConvNd):
        return module.weight.dim()
    name = type(module).__name__.lower()
    if isinstance(module, _PER_SAMPLE_MODULES) and name[-2:] in _SPATIAL_DIMS:
        return 2 + _SPATIAL_DIMS[name[-2:]]
    return 2


def _first_module(module: nn.Module) -> nn.Module:
    return _first_module(module[0]) if isinstance(module, nn.Sequential) and len(module) > 0 else module


def floating_dtype(module: nn.Module) -> Optional[torch.dtype]:
    """The dtype of the first floating parameter (weight) of ``module``, if any; modules without
    weights take any floating input, as torch promotes it."""
    for tensor in module.parameters():
        if tensor.is_floating_point():
            return tensor.dtype
    return None


@torch.jit.unused
def check_lifted_input(owner: nn.Module, x: Any, dtype: Optional[torch.dtype]) -> Tensor:
    """Raise a ``TypeError`` naming ``owner`` unless ``x`` is a floating tensor of ``dtype`` (the
    wrapped module's, if it has one); bool spikes come back in that dtype."""
    name = type(owner).__name__
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: expected a tensor input, got {type(x).__name__}")
    if x.dtype == torch.bool:
        x = x.to(dtype or torch.get_default_dtype())
    if not x.is_floating_point():
        raise TypeError(f"{name}: expected a floating-point (or bool) input, got dtype {x.dtype}")
    if dtype is not None and x.dtype != dtype:
        raise TypeError(
            f"{name}: expected an input of the module's dtype {dtype}, got {x.dtype} "
            "(convert the input, or the module with .to(dtype))"
        )
    return x


@torch.jit.unused
def check_first_layer_input(owner: str, layers: nn.Module, step_shape: Tuple[int, ...]) -> None:
    """The shape checks of the first of ``layers`` (a linear map or a convolution) on an input of
    ``step_shape``, as a ``ValueError`` naming ``owner``."""
    module = _first_module(layers)
    where = f"{owner}: the {type(module).__name__}"
    if isinstance(module, nn.Linear) and (not step_shape or step_shape[-1] != module.in_features):
        raise ValueError(
            f"{where} expects {module.in_features} features in the last dimension, got steps of shape {step_shape}"
        )
    if isinstance(module, nn.modules.conv._ConvNd):
        spatial = module.weight.dim() - 2
        if len(step_shape) not in (spatial + 1, spatial + 2) or step_shape[-spatial - 1] != module.in_channels:
            raise ValueError(
                f"{where} expects steps of shape ([batch,] {module.in_channels}, {spatial} spatial dimensions), "
                f"got {step_shape}"
            )


class Lift(nn.Module):
    r"""Apply ``module`` to each time step: :math:`y_t = f(x_t)` for :math:`t = 0 \dots T-1`.

    ``forward(x)`` takes ``x`` of shape ``(T, ...)`` (or a ``(x, state)`` pair, as in norse) and
    returns ``torch.stack([module(x[t]) for t in range(T)])``. A stateful ``module`` (such as
    ``LIFCell()``) is called as ``module(x[t], state)`` and ``forward`` returns
    ``(outputs, final state)``, as norse's ``Lift``; such a ``Lift`` runs in Python,
    ``torch.compile`` and export, not in TorchScript.

    When ``module`` treats samples independently (convolutions, linear maps, pooling, flatten,
    activations, and sequences of those) and each step is batched, the steps run as one batch of
    ``T * B``, which gives the same values in one call; other modules and unbatched steps
    (``(T, F)`` into a ``Linear``, ``(T, C, H, W)`` into a ``Conv2d``) run step by step.
    """

    def __init__(self, module: nn.Module):
        super().__init__()
        self.lifted_module = module
        self.is_stateful = is_stateful(module)
        self.fold_time = is_per_sample(module) and not self.is_stateful
        self.batched_rank = batched_rank(module)

    def forward(self, x: Tensor) -> Tensor:
        if not torch.jit.is_scripting():
            return self._forward_python(x)
        if self.fold_time and x.dim() > self.batched_rank:
            folded = self.lifted_module(x.flatten(0, 1))
            return folded.reshape([x.shape[0], x.shape[1]] + list(folded.shape[1:]))
        outputs: List[Tensor] = []
        for x_t in x:
            outputs.append(self.lifted_module(x_t))
        return torch.stack(outputs)

    @torch.jit.unused
    def _forward_python(self, x: Any) -> Any:
        state = None
        if isinstance(x, tuple):
            x, state = x
        x = check_lifted_input(self, x, floating_dtype(self.lifted_module))
        if x.dim() < 1 or x.shape[0] == 0:
            got = f"{x.dim()}-D shape {tuple(x.shape)}"
            raise ValueError(f"Lift: expected an input of shape (time, ...) with at least one time step, got {got}")
        check_first_layer_input("Lift", self.lifted_module, tuple(x.shape[1:]))
        if self.is_stateful:
            outputs = []
            for x_t in x:
                output, state = self.lifted_module(x_t, state)
                outputs.append(output)
            return torch.stack(outputs), state
        if self.fold_time and x.dim() > self.batched_rank:
            folded = self.lifted_module(x.flatten(0, 1))
            return folded.reshape([x.shape[0], x.shape[1]] + list(folded.shape[1:]))
        return torch.stack([self.lifted_module(x_t) for x_t in x])

    def __prepare_scriptable__(self) -> nn.Module:
        if self.is_stateful:
            raise TypeError(
                f"Lift: a lifted stateful module ({type(self.lifted_module).__name__}) returns its state, "
                "whose type TorchScript cannot follow; script the layer instead (e.g. LIF for Lift(LIFCell())), "
                "or use torch.compile or export"
            )
        return self
