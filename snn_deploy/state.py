"""Nested NamedTuple states and parameters as flat, dotted-name leaves, and their validation.

A state such as ``LIFRefracState(lif=LIFState(z, v, i), rho)`` flattens to the leaves
``lif.z, lif.v, lif.i, rho``; a list of states (``SequentialState``) to ``0.v, 0.i, 2.z, ...``,
with ``None`` entries skipped. Export and runtime name artifact inputs and outputs this way.
"""

from typing import Any, Iterable, Iterator, List, Tuple

import torch
from torch import Tensor


def is_namedtuple(value: Any) -> bool:
    """True for instances of ``typing.NamedTuple`` / ``collections.namedtuple`` classes."""
    return isinstance(value, tuple) and hasattr(value, "_fields")


def named_leaves(tree: Any, prefix: str = "") -> Iterator[Tuple[str, Any]]:
    """Yield ``(dotted_name, leaf)`` for every leaf of nested NamedTuples, lists and tuples."""
    children: Iterable[Tuple[str, Any]]
    if is_namedtuple(tree):
        children = zip(tree._fields, tree)
    elif isinstance(tree, (list, tuple)):
        children = ((str(index), child) for index, child in enumerate(tree))
    elif tree is None:
        return
    else:
        yield prefix, tree
        return
    for name, child in children:
        yield from named_leaves(child, f"{prefix}.{name}" if prefix else name)


def named_tensors(tree: Any, prefix: str = "") -> List[Tuple[str, Tensor]]:
    """The tensor leaves of ``tree`` with their dotted names."""
    return [(name, leaf) for name, leaf in named_leaves(tree, prefix) if isinstance(leaf, Tensor)]


def rebuild(template: Any, leaves: Iterator[Any]) -> Any:
    """Rebuild ``template``'s structure, taking its tensor leaves in order from ``leaves``."""
    if is_namedtuple(template):
        return type(template)(*(rebuild(child, leaves) for child in template))
    if isinstance(template, (list, tuple)):
        return type(template)(rebuild(child, leaves) for child in template)
    if isinstance(template, Tensor):
        return next(leaves)
    return template


def check_state_matches(owner: str, state: Any, expected: Any, cast_integers: bool = False) -> Any:
    """Raise a ``TypeError``/``ValueError`` naming ``owner`` unless ``state`` has the structure and
    dtypes of ``expected`` and shapes that broadcast to its shapes (a scalar ``v`` is fine).
    Returns ``state``; with ``cast_integers``, its integer and bool fields converted to the dtypes
    of ``expected`` (as norse's arithmetic promotes an integer state with float parameters)."""
    if type(state) is not type(expected):
        raise TypeError(f"{owner}: expected a state of type {type(expected).__name__}, got {type(state).__name__}")
    got = dict(named_leaves(state))
    casts = {}
    for name, want in named_leaves(expected):
        if not isinstance(want, Tensor):
            continue
        leaf = got.get(name)
        if not isinstance(leaf, Tensor):
            raise TypeError(f"{owner}: state field '{name}' must be a tensor, got {type(leaf).__name__}")
        if not broadcasts_to(leaf.shape, want.shape):
            raise ValueError(
                f"{owner}: state field '{name}' has shape {tuple(leaf.shape)}, "
                f"expected {tuple(want.shape)} (or a shape that broadcasts to it) for this input"
            )
        if leaf.dtype != want.dtype:
            if cast_integers and not (leaf.is_floating_point() or leaf.is_complex()):
                casts[name] = want.dtype
                continue
            raise TypeError(
                f"{owner}: state field '{name}' has dtype {leaf.dtype}, expected {want.dtype} "
                "(the dtype of the input and the module's parameters)"
            )
    if not casts:
        return state
    return rebuild(state, iter(leaf.to(casts[name]) if name in casts else leaf for name, leaf in named_tensors(state)))


def broadcasts_to(shape: torch.Size, target: torch.Size) -> bool:
    """True if a tensor of ``shape`` broadcasts to ``target`` without changing it."""
    try:
        return torch.broadcast_shapes(shape, target) == target
    except RuntimeError:
        return False
