"""Real-time use: one time step in, one out, with the stream's own state."""

from typing import TYPE_CHECKING, Any

from snn_deploy.errors import InputError
from snn_deploy.runtime.arrays import is_torch
from snn_deploy.runtime.checks import check_array
from snn_deploy.runtime.state import State

if TYPE_CHECKING:
    from snn_deploy.runtime.session import Session


class Stream:
    """``step(x_t) -> y_t`` for ``x_t`` of shape ``(batch_size, ...)``; ``reset()`` returns to the
    initial state. Each stream owns its state, so streams of one session may run in parallel
    threads. The state stays in the backend's arrays (numpy for ONNX on CPU, torch otherwise)."""

    def __init__(self, session: "Session", batch_size: int):
        self._session = session
        self.batch_size = batch_size
        self.reset()

    def reset(self) -> None:
        session = self._session
        initial = session.initial_state(self.batch_size)
        self._values = [session._backend.to_native(value) for value in initial.values()]

    @property
    def state(self) -> State:
        """The current state, ``{path: array}``."""
        return State(dict(zip(self._session.state_paths, self._values)), self._session.signature.model_key)

    def step(self, x_t: Any) -> Any:
        """Advance one time step; numpy in gives numpy out, torch in gives torch out."""
        session = self._session
        batch = check_array(x_t, session.step_port, "input")
        if batch is not None and batch != self.batch_size:
            raise InputError(f"input '{session.step_port.name}': batch size {batch}, this stream has {self.batch_size}")
        output, self._values = session._step(session._backend.to_native(x_t), self._values, batch)
        return session._backend.from_native(output, is_torch(x_t))
