"""``SequentialState``: ``nn.Sequential`` that threads each stateful layer's state."""

import inspect
from typing import Any, Callable, List, Optional, Tuple

import torch
from torch import Tensor, nn
from torch.utils.hooks import RemovableHandle


def is_stateful(module: nn.Module) -> bool:
    """True for modules called as ``module(x, state) -> (y, state)``: the neuron modules of this
    package and any other module whose ``forward`` takes ``state``, and RNNs."""
    if isinstance(module, nn.RNNBase):
        return True
    return "state" in inspect.signature(module.forward).parameters


class SequentialState(nn.Sequential):
    """Apply modules in order; stateful ones get their own entry of the state list.

    ``forward(x, state=None) -> (output, state_list)``, where ``state_list[k]`` is the state of
    module ``k`` (``None`` for stateless modules). ``state=None`` starts every layer from its
    initial state. Stateless modules are called as ``module(x)``.
    """

    __jit_ignored_attributes__ = ["forward_state_hooks"]

    def __init__(self, *args: nn.Module):
        super().__init__(*args)
        self.stateful_layers = [is_stateful(module) for module in args]
        self.forward_state_hooks: List[RemovableHandle] = []  # RemovableHandle of each registered hook

    def register_forward_state_hooks(self, forward_hook: Callable[[nn.Module, Any, Any], Optional[Any]]) -> None:
        """Register ``forward_hook(module, input, output)`` as a forward hook on every stateful
        layer. Raises ``ValueError`` if hooks are already in place."""
        if self.forward_state_hooks:
            raise ValueError("SequentialState: forward state hooks are already in place")
        for module, stateful in zip(self, self.stateful_layers):
            if stateful:
                self.forward_state_hooks.append(module.register_forward_hook(forward_hook))

    def remove_forward_state_hooks(self) -> None:
        """Remove the hooks added by :meth:`register_forward_state_hooks`."""
        for handle in self.forward_state_hooks:
            handle.remove()
        self.forward_state_hooks.clear()

    @torch.jit.unused
    def initial_state(self, input_tensor: Tensor) -> List[Optional[Any]]:
        """The state list ``forward(input_tensor)`` starts from: each stateful layer's
        ``initial_state`` for the input that reaches it (found by running the layers in order
        from their initial states), ``None`` for stateless layers."""
        state: List[Optional[Any]] = []
        for module, stateful in zip(self, self.stateful_layers):
            layer_state = None
            if stateful:
                initial_state = getattr(module, "initial_state", None)
                if initial_state is None:
                    raise TypeError(
                        f"SequentialState: layer {type(module).__name__} keeps a state but has no "
                        "initial_state(input) method"
                    )
                layer_state = initial_state(input_tensor)
                input_tensor, _ = module(input_tensor, layer_state)
            else:
                input_tensor = module(input_tensor)
            state.append(layer_state)
        return state

    def forward(
        self, input_tensor: Tensor, state: Optional[List[Optional[Any]]] = None
    ) -> Tuple[Tensor, List[Optional[Any]]]:
        if not torch.jit.is_scripting():
            return self._forward_python(input_tensor, state)
        if state is not None:
            raise TypeError(
                "a scripted SequentialState starts from the initial state only: pass state=None, or "
                + "run the model in Python, compiled, or as an exported artifact to carry the state"
            )
        new_state: List[Optional[Any]] = []
        for module in self:
            if hasattr(module, "initial_state"):  # a neuron module: (output, state)
                output_and_state = module(input_tensor)
                input_tensor = output_and_state[0]
                new_state.append(output_and_state[1])
            else:
                input_tensor = module(input_tensor)
                new_state.append(None)
        return input_tensor, new_state

    @torch.jit.unused
    def _forward_python(
        self, input_tensor: Tensor, state: Optional[List[Optional[Any]]]
    ) -> Tuple[Tensor, List[Optional[Any]]]:
        if state is not None and len(state) != len(self):
            raise ValueError(
                f"SequentialState: expected a state list with {len(self)} entries (one per module), got {len(state)}"
            )
        new_state: List[Optional[Any]] = []
        for index, (module, stateful) in enumerate(zip(self, self.stateful_layers)):
            layer_state = None if state is None else state[index]
            if stateful:
                input_tensor, layer_state = module(input_tensor, layer_state)
            else:
                input_tensor = module(input_tensor)
            new_state.append(layer_state)
        return input_tensor, new_state
