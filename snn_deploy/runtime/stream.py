"""Real-time use: one time step in, one out, with the stream's own state."""

import threading
from typing import Any, List, Optional, Protocol, Tuple

from snn_deploy.errors import InputError
from snn_deploy.runtime.arrays import is_torch
from snn_deploy.runtime.checks import check_array
from snn_deploy.runtime.signature import Port, Signature
from snn_deploy.runtime.state import State


class Stepper(Protocol):
    """What a stream needs of its session (:class:`snn_deploy.runtime.Session` provides it)."""

    signature: Signature
    step_port: Port

    @property
    def state_paths(self) -> List[str]: ...

    def initial_state(self, batch_size: int) -> State: ...

    def native(self, value: Any) -> Any: ...

    def answer(self, value: Any, as_torch: bool) -> Any: ...

    def step_native(self, x_t: Any, values: List[Any], batch: Optional[int]) -> Tuple[Any, List[Any]]: ...


class Stream:
    """``step(x_t) -> y_t`` for ``x_t`` of shape ``(batch_size, ...)``; ``reset()`` returns to the
    initial state. Each stream owns its state, so streams of one session may run in parallel
    threads; calls on one stream from several threads are serialized (a lock), so every step
    advances the state exactly once. The state stays in the backend's arrays (numpy for ONNX on
    CPU, torch otherwise)."""

    def __init__(self, session: Stepper, batch_size: int):
        self._session = session
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        session = self._session
        values = [session.native(value) for value in session.initial_state(self.batch_size).values()]
        with self._lock:
            self._values = values

    @property
    def state(self) -> State:
        """The current state, ``{path: array}``."""
        with self._lock:
            values = list(self._values)
        return State(dict(zip(self._session.state_paths, values)), self._session.signature.model_key)

    def step(self, x_t: Any) -> Any:
        """Advance one time step; numpy in gives numpy out, torch in gives torch out."""
        session = self._session
        batch = check_array(x_t, session.step_port, "input")
        if batch is not None and batch != self.batch_size:
            raise InputError(f"input '{session.step_port.name}': batch size {batch}, this stream has {self.batch_size}")
        native = session.native(x_t)
        with self._lock:
            output, self._values = session.step_native(native, self._values, batch)
        return session.answer(output, is_torch(x_t))
