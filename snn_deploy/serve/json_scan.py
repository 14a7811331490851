"""JSON request bodies decoded with bounded nesting: the depth is counted on the raw bytes before
:func:`json.loads` would recurse into it, and ``NaN``/``Infinity`` (not JSON) are refused."""

import json
import re
from typing import Any

import numpy as np

from snn_deploy.serve.protocol_error import ProtocolError

MAX_DEPTH = 24  # a request is 3 levels above a tensor's data (rank <= 16) or a parameter's value

_KEEP = b'[]{}"'
_DELETE = bytes(sorted(set(range(256)) - set(_KEEP)))
_OBJECT_AS_ARRAY = bytes.maketrans(b"{}", b"[]")
_STRING = re.compile(rb'"[^"]*"')


def nesting_depth(text: bytes) -> int:
    """The deepest nesting of arrays and objects in the UTF-8 JSON ``text``, exact for valid JSON:
    escaped backslashes and quotes go first, then every byte but brackets and quotes, then strings;
    the depth is the running sum of ``+1`` per opening and ``-1`` per closing bracket."""
    if b"\\" in text:
        text = text.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = _STRING.sub(b"", text.translate(_OBJECT_AS_ARRAY, _DELETE))
    if not brackets:
        return 0
    steps = (np.frombuffer(brackets, np.uint8) == ord("[")).astype(np.int32) * 2 - 1
    return int(np.cumsum(steps).max())


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def loads(text: bytes, what: str) -> Any:
    """The JSON value of ``text`` (strict UTF-8); malformed JSON, nesting deeper than
    :data:`MAX_DEPTH`, ``NaN`` and ``Infinity`` are a 400 :class:`ProtocolError` naming ``what``."""
    few_brackets = text.count(b"[") + text.count(b"{") <= MAX_DEPTH  # the common request: no deeper than that
    depth = 0 if few_brackets else nesting_depth(text)
    if depth > MAX_DEPTH:
        raise ProtocolError(400, f"{what} nests arrays and objects {depth} deep; at most {MAX_DEPTH} are accepted")
    try:
        return _DECODER.decode(text.decode("utf-8"))
    except RecursionError:  # only for text that is not JSON (the count above is exact for JSON)
        raise ProtocolError(400, f"malformed JSON in {what}: nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise ProtocolError(400, f"malformed JSON in {what}: {error}") from None
