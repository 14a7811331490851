"""Checks of a session's input and state against the artifact's signature, before anything
reaches onnxruntime or torch: each failure is an :class:`InputError` that names the tensor and
says what was expected and what was given."""

from collections.abc import Mapping
from typing import Any, List, Optional

from snn_deploy.errors import InputError
from snn_deploy.runtime.arrays import dtype_name, is_array
from snn_deploy.runtime.signature import Port, Signature
from snn_deploy.runtime.state import State


def _layout(shape, leading_time: bool = False) -> str:
    """``(time, batch, 2, 32)`` for error messages."""
    names = ["batch" if size is None else str(size) for size in shape]
    if leading_time:
        names[0] = "time"
    return "(" + ", ".join(names) + ")"


def check_array(value: Any, port: Port, what: str, leading_time: bool = False) -> Optional[int]:
    """Check type, dtype, rank and fixed sizes of ``value`` against ``port`` (with an extra
    leading time axis of any length if ``leading_time``); return its batch size (or ``None``)."""
    if not is_array(value):
        raise InputError(f"{what} '{port.name}': expected a numpy array or torch tensor, got {type(value).__name__}")
    expected = ((None,) if leading_time else ()) + port.shape
    shape = tuple(value.shape)
    if len(shape) != len(expected):
        raise InputError(
            f"{what} '{port.name}': expected a {len(expected)}-D array {_layout(expected, leading_time)}, "
            f"got {len(shape)}-D with shape {shape}"
        )
    if dtype_name(value) != port.dtype:
        raise InputError(f"{what} '{port.name}': expected dtype {port.dtype}, got {dtype_name(value)}")
    for axis, (want, got) in enumerate(zip(expected, shape)):
        if want is not None and want != got:
            raise InputError(
                f"{what} '{port.name}': expected shape {_layout(expected, leading_time)}, got {shape} "
                f"(axis {axis} is {got}, expected {want})"
            )
    if leading_time and shape[0] == 0:
        raise InputError(f"{what} '{port.name}': the sequence is empty (0 time steps)")
    batch_axis = port.batch_axis
    if batch_axis is None:
        return None
    return shape[batch_axis + (1 if leading_time else 0)]


def check_state(state: Any, signature: Signature, batch_size: Optional[int]) -> List[Any]:
    """The state tensors in the artifact's order, after checking that ``state`` belongs to this
    model (same paths; a :class:`State` also carries the model's key) and fits the batch."""
    if not isinstance(state, Mapping):
        raise InputError(f"state: expected a mapping {{path: array}}, got {type(state).__name__}")
    if isinstance(state, State) and signature.manifest is not None and state.model_key != signature.model_key:
        raise InputError(
            "state: it comes from another model (its state layout differs from this artifact's); "
            "start from session.initial_state(batch_size)"
        )
    expected = [port.path for port in signature.states]
    missing = [path for path in expected if path not in state]
    unexpected = [path for path in state if path not in expected]
    if missing or unexpected:
        raise InputError(
            f"state: does not belong to this model: missing {missing}, unexpected {unexpected} "
            f"(this artifact's state is {expected})"
        )
    values = []
    for port in signature.states:
        value = state[port.path]
        got_batch = check_array(value, port.port, "state")
        if batch_size is not None and got_batch is not None and got_batch != batch_size:
            raise InputError(f"state '{port.path}': has batch size {got_batch}, the input has batch size {batch_size}")
        values.append(value)
    return values
