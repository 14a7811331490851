"""norse 1.1's ``norse.torch.utils.pytree``: state tuples that move with ``.to()``, ``.cuda()`` …

A norse user's custom parameter and state tuples derive from these::

    class MyState(pytree.StateTuple, metaclass=pytree.MultipleInheritanceNamedTupleMeta):
        v: torch.Tensor = torch.zeros(2)

:class:`MultipleInheritanceNamedTupleMeta` makes the class a NamedTuple that also inherits the
other bases (``StateTuple``), and registers it with torch's pytree registry, so ``tree_map`` and
``torch.export`` see its fields. These are eager utilities: the ``StateTuple`` methods map over
fields in Python, and :meth:`StateTuple.broadcast` reads a scalar with ``.item()``.
"""

import functools
import typing
from numbers import Number
from typing import Any, Callable, Dict, Tuple, Type, TypeVar

import torch
from torch.utils._pytree import PyTree, _namedtuple_flatten, _namedtuple_unflatten, register_pytree_node, tree_map

# typing.NamedTuple is a function since Python 3.9; its class form (for multiple inheritance) is _NamedTuple.
NamedTuple: Any = getattr(typing, "_NamedTuple", typing.NamedTuple)
_NamedTupleMeta: Type[type] = typing.NamedTupleMeta  # type: ignore[attr-defined]  # private in typeshed

T = TypeVar("T")


def map_only(ty: Type[T]) -> Callable[[Callable[[T], Any]], Callable[[Any], Any]]:
    """A decorator making ``f`` apply to values of type ``ty`` and pass every other value through."""

    def callback(f: Callable[[T], Any]) -> Callable[[Any], Any]:
        @functools.wraps(f)
        def inner(x: Any) -> Any:
            return f(x) if isinstance(x, ty) else x

        return inner

    return callback


def tree_map_only(ty: Type[T], fn: Callable[[T], Any], pytree: PyTree) -> PyTree:
    """``tree_map`` of ``fn`` over the leaves of type ``ty`` of ``pytree`` (the others unchanged)."""
    return tree_map(map_only(ty)(fn), pytree)


def register_tuple(typ: Any) -> None:
    """Register the NamedTuple class ``typ`` with torch's pytree registry."""
    register_pytree_node(typ, _namedtuple_flatten, _namedtuple_unflatten)


class MultipleInheritanceNamedTupleMeta(_NamedTupleMeta):  # type: ignore[misc,valid-type]  # typing's private metaclass
    """A metaclass making a NamedTuple with further bases, registered as a pytree node."""

    def __new__(mcls, typename: str, bases: Tuple[type, ...], ns: Dict[str, Any]) -> type:  # noqa: N804 (norse's)
        cls_obj = super().__new__(mcls, typename + "_nm_base", (NamedTuple,), ns)
        t = type(typename, bases + (cls_obj,), {})
        register_tuple(t)
        return t


class StateTuple:
    """A base of state tuples with tensor-like conversions mapped over every tensor field."""

    def broadcast(self, template: torch.Tensor) -> Any:
        """Every field broadcast to the shape of ``template``: a scalar filled in, a field of that
        shape kept; any other shape raises ``ValueError``."""
        return tree_map_only(torch.Tensor, functools.partial(broadcast_input, template=template), self)

    def cuda(self) -> Any:
        return self.to("cuda")

    def cpu(self) -> Any:
        return self.to("cpu")

    def int(self) -> Any:
        return tree_map_only(torch.Tensor, lambda x: x.int(), self)

    def float(self) -> Any:
        return tree_map_only(torch.Tensor, lambda x: x.float(), self)

    def to(self, device: Any) -> Any:
        """Every tensor field moved with ``Tensor.to(device)``, keeping ``requires_grad``."""
        return tree_map_only(torch.Tensor, lambda x: x.to(device).requires_grad_(x.requires_grad), self)


def broadcast_input(potential_scalar: Any, template: torch.Tensor) -> torch.Tensor:
    """``potential_scalar`` as a tensor of ``template``'s shape: a one-element tensor or number is
    filled in, a tensor of that shape passes; any other shape raises ``ValueError``."""
    if isinstance(potential_scalar, Number):
        return torch.full_like(template, float(potential_scalar))  # type: ignore[arg-type]  # a real Number
    if isinstance(potential_scalar, torch.Tensor) and potential_scalar.numel() == 1:
        return torch.full_like(template, potential_scalar.item())
    if isinstance(potential_scalar, torch.Tensor) and potential_scalar.shape == template.shape:
        return potential_scalar
    shape = getattr(potential_scalar, "shape", type(potential_scalar).__name__)
    raise ValueError(
        f"Cannot broadcast tensor because it is non-scalar (shape {shape}) with a different shape than the "
        f"template ({template.shape})"
    )
