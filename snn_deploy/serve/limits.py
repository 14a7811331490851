"""What one client may ask of the server: request size, time to send a request, connections and
the batch of a sequence. ``None`` limits are derived from the loaded models by :func:`resolve`."""

import math
from dataclasses import dataclass, replace
from typing import Any, Dict, Optional

DEFAULT_MAX_ELEMENTS = 2**21
JSON_BYTES_PER_VALUE = 26  # the longest float repr (24 characters) and ", "
HEADER_ALLOWANCE = 1 << 20  # the JSON around the data: names, shapes, parameters


@dataclass(frozen=True)
class Limits:
    """``max_request_elements`` values in all inputs of a request (more is a 413; default: 2**21,
    or one request of the largest model at ``max_sequence_batch`` if that is more);
    ``max_body_bytes`` per request body (413; default: that many values as JSON, plus 1 MiB);
    ``max_sequence_batch`` samples in a sequence (its state is held between requests);
    ``request_timeout_s`` to send a request's headers and body, from its first byte (or from the
    connection's opening): a connection that takes longer is closed; ``max_connections`` open at
    once (one more is closed on arrival)."""

    max_request_elements: Optional[int] = None
    max_body_bytes: Optional[int] = None
    max_sequence_batch: int = 64
    request_timeout_s: float = 30.0
    max_connections: int = 1000

    def __post_init__(self) -> None:
        for name, value in self.__dict__.items():
            if value is not None and (type(value) not in (int, float) or not value > 0):
                raise ValueError(f"{name}: got {value!r}, expected a positive value")

    @property
    def elements(self) -> int:
        return self.max_request_elements or DEFAULT_MAX_ELEMENTS

    @property
    def body_bytes(self) -> int:
        return self.max_body_bytes or self.elements * JSON_BYTES_PER_VALUE + HEADER_ALLOWANCE


def resolve(limits: Limits, models: Dict[str, Any]) -> Limits:
    """``limits`` with the defaults filled in for ``models`` (:class:`ServedModel` by name): the
    element limit fits one request of every model at ``max_sequence_batch`` (a whole ``T`` for a
    sequence artifact); the body limit follows from it."""
    elements = limits.max_request_elements
    if elements is None:
        largest = max(
            (math.prod(size for size in model.session.signature.input.shape if size) for model in models.values()),
            default=1,
        )
        elements = max(DEFAULT_MAX_ELEMENTS, largest * limits.max_sequence_batch)
    return replace(limits, max_request_elements=elements)
