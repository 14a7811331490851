"""``lift``: apply a one-step activation function ``f(x_t, state=..., p=...) -> (out, state)`` over time."""

from typing import Any, Callable, List, Optional, Tuple

import torch
from torch import Tensor


class Lifted:
    """The callable :func:`lift` returns: ``lifted(x, state=None, **kwargs) -> (stacked outputs, last state)``
    for ``x`` of shape ``(T, ...)``. A plain class (not a closure), so it pickles."""

    def __init__(self, activation: Callable[..., Tuple[Tensor, Any]], p: Optional[Any] = None):
        self.activation = activation
        self.p = p

    def __call__(self, input_tensor: Tensor, state: Optional[Any] = None, **kwargs: Any) -> Tuple[Tensor, Any]:
        if self.p is not None and "p" not in kwargs:
            kwargs["p"] = self.p
        outputs: List[Tensor] = []
        for input_t in input_tensor:
            if state is None:
                output, state = self.activation(input_t, **kwargs)
            else:
                output, state = self.activation(input_t, state=state, **kwargs)
            outputs.append(output)
        return torch.stack(outputs), state


def lift(activation: Callable[..., Tuple[Tensor, Any]], p: Optional[Any] = None) -> Lifted:
    """Lift ``activation`` in time, as norse's ``lift``: the returned callable runs it once per entry
    of the first (time) dimension, feeding each step's state to the next, and passes ``p`` (if given
    and not overridden by a ``p=`` keyword) to every call."""
    return Lifted(activation, p)
