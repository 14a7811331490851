"""A JSON tensor's ``data`` checked against its declared shape and datatype, then made an array.

``data`` is the row-major values as one flat list, or lists nested exactly as the shape. A value
must be of the datatype's JSON kind: ``true``/``false`` for BOOL, integers within range for the
INT and UINT types, numbers for FP types (finite in that type). Nothing is converted silently:
``null``, strings, ``1.5`` for an INT type and ``1e39`` for FP32 are refused with a 400.
"""

import json
from typing import Any, List, Sequence, Set, Tuple

import numpy as np

from snn_deploy.serve.protocol_error import ProtocolError


def _json_kinds(kind: str) -> Tuple[Set[type], str]:
    """The Python types of the JSON values a datatype takes, and how to name them."""
    if kind == "BOOL":
        return {bool}, "true or false"
    if kind.startswith("FP"):
        return {int, float}, "numbers"
    return {int}, "integers"


def _finite_in(value: Any, dtype: np.dtype) -> bool:
    try:
        with np.errstate(over="ignore"):
            return bool(np.isfinite(np.asarray(value, dtype)))
    except OverflowError:  # an integer beyond float64
        return False


def _show(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _flat(data: Any, shape: Sequence[int], count: int, where: str) -> List[Any]:
    """The values of ``data``: a flat list of ``count`` values, or lists nested as ``shape``."""
    if not isinstance(data, list):
        raise ProtocolError(400, f"{where}: 'data' must be a JSON array, got {_show(data)}")
    if not data or not isinstance(data[0], list):
        if len(data) != count:
            raise ProtocolError(400, f"{where}: shape {list(shape)} needs {count} values, 'data' holds {len(data)}")
        return data
    level: List[Any] = [data]
    for depth, size in enumerate(shape):
        nested: List[Any] = []
        for item in level:
            if not isinstance(item, list) or len(item) != size:
                got = f"an array of {len(item)}" if isinstance(item, list) else _show(item)
                raise ProtocolError(
                    400,
                    f"{where}: 'data' is nested unlike shape {list(shape)} (axis {depth} needs arrays of {size}, "
                    f"got {got}); send a flat array of {count} values or arrays nested exactly as the shape",
                )
            nested.extend(item)
        level = nested
    return level


def values_array(data: Any, shape: Sequence[int], count: int, kind: str, dtype: np.dtype, where: str) -> np.ndarray:
    """The array of shape ``shape`` and numpy ``dtype`` (protocol datatype ``kind``) that ``data``
    holds, or a 400 :class:`ProtocolError` naming the first value that does not fit."""
    values = _flat(data, shape, count, where)
    allowed, described = _json_kinds(kind)
    if not set(map(type, values)) <= allowed:
        bad = next(value for value in values if type(value) not in allowed)
        raise ProtocolError(400, f"{where}: {kind} data must be {described}, got {_show(bad)}")
    if allowed == {int} and values:
        info = np.iinfo(dtype)
        low, high = min(values), max(values)
        if low < info.min or high > info.max:
            bad = low if low < info.min else high
            raise ProtocolError(400, f"{where}: {kind} values must lie in [{info.min}, {info.max}], got {bad}")
    if not kind.startswith("FP"):
        return np.asarray(values, dtype).reshape(shape)
    try:
        with np.errstate(over="ignore"):
            array = np.asarray(values, dtype)
        finite = bool(np.isfinite(array).all())
    except OverflowError:  # an integer beyond float64
        finite = False
    if not finite:
        bad = next(value for value in values if not _finite_in(value, dtype))
        raise ProtocolError(400, f"{where}: {kind} values must be finite in {kind}, got {_show(bad)}")
    return array.reshape(shape)
