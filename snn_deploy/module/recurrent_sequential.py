"""``RecurrentSequential``: a stack of modules whose output is fed back as input at the next step (norse 1.1)."""

from typing import Any, List, NamedTuple, Optional, Tuple, Union

import torch
from torch import Tensor, nn

from snn_deploy.module.lift import check_first_layer_input, check_lifted_input, floating_dtype
from snn_deploy.module.sequential import SequentialState, is_stateful
from snn_deploy.state import broadcasts_to


class RecurrentSequentialState(NamedTuple):
    """State of a :class:`RecurrentSequential`: the fed-back output ``cache`` of the last step and
    the list ``state`` of its layers' states (``None`` before the first step)."""

    cache: Optional[Any] = None
    state: Optional[Any] = None


@torch.jit.unused
def _check_cache(cache: Any, input_tensor: Tensor) -> None:
    if not isinstance(cache, Tensor) or cache.dtype != input_tensor.dtype:
        got = f"dtype {cache.dtype}" if isinstance(cache, Tensor) else type(cache).__name__
        raise TypeError(
            f"RecurrentSequential: expected a state cache of the input's dtype {input_tensor.dtype}, got {got}"
        )
    if not broadcasts_to(cache.shape, input_tensor.shape):
        raise ValueError(
            f"RecurrentSequential: expected a state cache of the input's shape {tuple(input_tensor.shape)}, "
            f"got {tuple(cache.shape)}"
        )


class RecurrentSequential(nn.Module):
    r"""Apply ``modules`` in order, one time step per call, and feed the output back:

    .. math::
        y_t = f(x_t + y_{t-1}), \qquad y_{-1} = 0

    where :math:`f` is the stack of modules (stateful ones keep their state across calls, as in
    :class:`SequentialState`) and :math:`y` the output of the module at index ``output_modules``
    (default: the last). ``forward(x, state=None) -> (y, RecurrentSequentialState(y, layer_states))``.
    With a list of indices the output is the list of those modules' outputs, as in norse; such a
    state cannot be fed back (norse 1.1 fails there too).

    The layers live in ``self.module`` (a :class:`SequentialState`), so norse checkpoints load.
    TorchScript cannot type the state (a NamedTuple holding the states of arbitrary layers), so
    the module compiles with ``torch.compile`` but does not script. It runs one step per call and
    has no ``initial_state``, so it is not exported as an artifact; export the layers instead.
    """

    def __init__(self, *modules: nn.Module, output_modules: Union[List[int], int] = -1):
        super().__init__()
        self.module = SequentialState(*modules)
        indices = [output_modules] if isinstance(output_modules, int) else list(output_modules)
        for index in indices:
            if isinstance(index, bool) or not isinstance(index, int) or not -len(modules) <= index < len(modules):
                raise ValueError(
                    f"RecurrentSequential: expected output_modules to index the {len(modules)} modules, "
                    f"got {output_modules!r}"
                )
        self.output_modules = output_modules
        self.stateful_layers = [is_stateful(module) for module in modules]

    def forward(
        self, input_tensor: Tensor, state: Optional[RecurrentSequentialState] = None
    ) -> Tuple[Any, RecurrentSequentialState]:
        input_tensor = check_lifted_input(self, input_tensor, floating_dtype(self.module))
        check_first_layer_input("RecurrentSequential", self.module, tuple(input_tensor.shape))
        layer_states: List[Optional[Any]] = [None] * len(self.module)
        if state is not None:
            if not isinstance(state, RecurrentSequentialState):
                raise TypeError(f"RecurrentSequential: expected a RecurrentSequentialState, got {type(state).__name__}")
            if isinstance(state.cache, (list, tuple)):
                raise ValueError(
                    "RecurrentSequential: a state whose cache holds several outputs (output_modules is a "
                    "list) cannot be fed back"
                )
            if state.cache is not None:
                _check_cache(state.cache, input_tensor)
                input_tensor = input_tensor + state.cache
            if state.state is not None:
                layer_states = list(state.state)
        hidden: List[Tensor] = []
        x = input_tensor
        for index, (module, stateful) in enumerate(zip(self.module, self.stateful_layers)):
            if stateful:
                x, layer_states[index] = module(x, layer_states[index])
            else:
                x = module(x)
            hidden.append(x)
        if isinstance(self.output_modules, int):
            output = hidden[self.output_modules]
            return output, RecurrentSequentialState(output, layer_states)
        outputs = [hidden[index] for index in self.output_modules]
        return outputs, RecurrentSequentialState(outputs, layer_states)

    def __prepare_scriptable__(self) -> nn.Module:
        raise TypeError(
            "RecurrentSequential cannot be scripted: TorchScript cannot type its state, a NamedTuple "
            "holding the states of arbitrary layers; use torch.compile, or script its layers"
        )
