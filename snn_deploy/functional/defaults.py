"""Default ``p`` arguments of the step functions, in a form TorchScript accepts.

norse gives its step functions the default ``p=XParameters()``. TorchScript refuses that default
here, because the parameter classes keep Python floats as their field defaults (TorchScript in
turn refuses tensors as NamedTuple field defaults). A parameter tuple whose tensor fields hold
0-d float32 tensors, as norse's defaults do, is accepted, so every step function's default is made
by :func:`default_parameters`.
"""

import typing
from typing import Any, Type, TypeVar

import torch
from torch import Tensor

P = TypeVar("P")


def default_parameters(parameter_type: Type[P]) -> P:
    """``parameter_type()`` with every tensor field (at any depth) a 0-d float32 tensor."""
    return _with_tensor_fields(parameter_type())


def _with_tensor_fields(p: Any) -> Any:
    hints = typing.get_type_hints(type(p))
    values = []
    for field, value in zip(p._fields, p):
        if hasattr(value, "_fields"):
            values.append(_with_tensor_fields(value))
        elif hints.get(field) is Tensor and not isinstance(value, Tensor):
            values.append(torch.tensor(float(value), dtype=torch.float32))
        else:
            values.append(value)
    return type(p)(*values)
