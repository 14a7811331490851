"""Real-time use: one time step in, one out, with the stream's own state."""

import threading
from typing import Any, List, Optional, Protocol, Tuple

from snn_deploy.errors import InputError
from snn_deploy.runtime.arrays import copy_of, is_torch
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

    def bind_state(self, batch_size: int) -> Optional["StepState"]: ...


class StepState(Protocol):
    """Where a stream keeps its state between steps; its lock serializes the calls."""

    def load(self, values: List[Any]) -> None: ...

    def values(self) -> List[Any]: ...

    def step(self, x_t: Any, batch: Optional[int]) -> Any: ...


class CarriedState:
    """The state as the backend's arrays, handed to the session and taken back each step."""

    def __init__(self, session: Stepper):
        self._session = session
        self._values: List[Any] = []

    def load(self, values: List[Any]) -> None:
        self._values = values

    def values(self) -> List[Any]:
        return [copy_of(value) for value in self._values]

    def step(self, x_t: Any, batch: Optional[int]) -> Any:
        output, self._values = self._session.step_native(x_t, self._values, batch)
        return output


class Stream:
    """``step(x_t) -> y_t`` for ``x_t`` of shape ``(batch_size, ...)``; ``reset()`` returns to the
    initial state. Each stream owns its state, so streams of one session may run in parallel
    threads; calls on one stream from several threads are serialized (a lock), so every step
    advances the state exactly once. A step artifact in onnxruntime on CPU keeps the state bound
    in place between steps (:mod:`snn_deploy.runtime.bound_stream`); otherwise it stays in the
    backend's arrays (numpy for ONNX, torch for torch artifacts), carried from step to step."""

    def __init__(self, session: Stepper, batch_size: int):
        self._session = session
        self.batch_size = batch_size
        self._lock = threading.Lock()
        initial = self._initial_values()  # checks batch_size before anything is bound
        self._held: StepState = session.bind_state(batch_size) or CarriedState(session)
        self._held.load(initial)

    def _initial_values(self) -> List[Any]:
        session = self._session
        return [session.native(value) for value in session.initial_state(self.batch_size).values()]

    def reset(self) -> None:
        values = self._initial_values()
        with self._lock:
            self._held.load(values)

    @property
    def state(self) -> State:
        """The current state, ``{path: array}``: copies, which later steps do not change and whose
        changes do not reach the stream."""
        with self._lock:
            values = self._held.values()
        return State(dict(zip(self._session.state_paths, values)), self._session.signature.model_key)

    def step(self, x_t: Any) -> Any:
        """Advance one time step; numpy in gives numpy out, torch in gives torch out."""
        session = self._session
        batch = check_array(x_t, session.step_port, "input")
        if batch is not None and batch != self.batch_size:
            raise InputError(f"input '{session.step_port.name}': batch size {batch}, this stream has {self.batch_size}")
        native = session.native(x_t)
        with self._lock:
            output = self._held.step(native, batch)
        return session.answer(output, is_torch(x_t))
