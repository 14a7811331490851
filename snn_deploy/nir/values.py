"""A NIR node's fields read as checked numbers: a :class:`NIRError` naming the node and the field
for a missing field, a value that is not a number, not finite, not whole or out of range."""

import math
from typing import Any, List, Optional

import nir
import numpy as np

from snn_deploy.nir.errors import node_error

MAX_INT = 2**31 - 1  # the largest size, stride or dimension index taken


def float_array(name: str, node: nir.NIRNode, field: str) -> np.ndarray:
    """``node.field`` as a float64 array of finite numbers."""
    value = getattr(node, field, None)
    if value is None:
        raise node_error(name, node, f"has no '{field}'")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise node_error(name, node, f"'{field}' is not an array of numbers: {value!r:.80}") from None
    if not np.all(np.isfinite(array)):
        raise node_error(name, node, f"'{field}' has values that are not finite")
    return array


def positive(name: str, node: nir.NIRNode, field: str) -> np.ndarray:
    """``node.field`` as a float64 array of finite positive numbers (a time constant), each at
    least float64's smallest normal number, so that its inverse is finite too."""
    array = float_array(name, node, field)
    if np.any(array < np.finfo(np.float64).tiny):
        raise node_error(name, node, f"'{field}' must be positive, got minimum {array.min()}")
    return array


def whole_numbers(name: str, node: nir.NIRNode, field: str, value: Any, minimum: int) -> List[int]:
    """``value`` (the node's ``field``) as a flat list of whole numbers from ``minimum`` to
    :data:`MAX_INT`; ``4.0`` is 4, ``4.5``, ``True`` or ``nan`` an error."""
    try:
        array = np.asarray(value)
        numbers = array.astype(np.float64).ravel() if array.dtype.kind in "iuf" else None
    except (TypeError, ValueError):
        numbers = None
    if numbers is None or array.ndim > 1:
        raise node_error(name, node, f"'{field}' must be whole numbers, got {value!r:.80}")
    for number in numbers:
        if not (math.isfinite(number) and number == int(number) and minimum <= number <= MAX_INT):
            raise node_error(
                name, node, f"'{field}' must be whole numbers from {minimum} to {MAX_INT}, got {numbers.tolist()}"
            )
    return [int(number) for number in numbers]


def sizes(name: str, node: nir.NIRNode, field: str, count: int, minimum: int) -> List[int]:
    """``node.field``: one whole number for every one of ``count`` axes, or one for all."""
    numbers = whole_numbers(name, node, field, getattr(node, field, None), minimum)
    if len(numbers) not in (1, count):
        raise node_error(name, node, f"'{field}' must be 1 or {count} whole numbers, got {numbers}")
    return numbers * count if len(numbers) == 1 else numbers


def sample_shape(name: str, node: nir.NIRNode, field: str, value: Any, max_elements: Optional[int]) -> List[int]:
    """``value`` as one sample's shape: sizes of at least 1, at most ``max_elements`` in all."""
    shape = whole_numbers(name, node, field, value, 1)
    if max_elements is not None and math.prod(shape) > max_elements:
        raise node_error(
            name, node, f"'{field}' {shape} holds {math.prod(shape)} elements, more than max_elements={max_elements}"
        )
    return shape
