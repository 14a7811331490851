"""A loaded artifact: whole sequences of any length, single steps, and streams.

``run(x, state)`` takes a numpy array or torch tensor and answers in kind (torch tensors on the
session's device). On a *sequence* artifact (fixed ``T``) a sequence of length ``L`` runs as
``L // T`` chunks with the state carried; a remainder shorter than ``T`` runs one step at a time
through the model's *step* artifact (``step_artifact=`` of :func:`snn_deploy.runtime.load`),
because padding a chunk would corrupt the final state. On a *step* artifact, ``run`` takes one
time step ``(batch, ...)`` or a sequence ``(time, batch, ...)``, stepped through in order.
``run_steps(inputs, states)`` runs one time step of several independent streams as one call
(a server's dynamic batching), gathering and scattering their rows along each batch axis.
"""

from typing import Any, List, Optional, Sequence, Tuple

from snn_deploy.artifact.layout import Layout
from snn_deploy.errors import ArtifactError, InputError
from snn_deploy.manifest import Manifest
from snn_deploy.runtime.arrays import concat, is_torch, split, stack
from snn_deploy.runtime.backend import Backend
from snn_deploy.runtime.checks import check_array, check_state
from snn_deploy.runtime.signature import Port, Signature
from snn_deploy.runtime.state import State
from snn_deploy.runtime.stream import StepState, Stream

Values = List[Any]


class Session:
    """Runs one artifact; immutable after loading, so one session may serve many threads."""

    def __init__(self, backend: Backend, step_session: Optional["Session"] = None):
        self._backend = backend
        self.signature: Signature = backend.signature
        sig = self.signature
        self.step_port = Port(sig.input.name, sig.input.shape[1:], sig.input.dtype) if sig.is_sequence else sig.input
        self._step_session = self._check_companion(step_session)

    def _check_companion(self, step_session: Optional["Session"]) -> Optional["Session"]:
        if step_session is None:
            return None
        if not step_session.signature.is_step or step_session.signature.layout_key != self.signature.layout_key:
            raise ArtifactError(
                f"{step_session.path}: not a step artifact with the input and state layout of {self.path} "
                f"(its mode is {step_session.mode!r}, its state {step_session.state_paths})"
            )
        mine, theirs = self.signature.fingerprint, step_session.signature.fingerprint
        if (mine or theirs) and mine != theirs:
            raise ArtifactError(
                f"{step_session.path}: a step artifact of another model than {self.path} (model fingerprint "
                f"{theirs or 'missing'} against {mine or 'missing'}: other weights, parameters or neuron model); "
                "export both artifacts from the same model"
            )
        return step_session

    # ---- description

    @property
    def path(self) -> str:
        return self._backend.path

    @property
    def format(self) -> str:
        """``"onnx"``, ``"torchscript"``, ``"pt2"`` or ``"aoti"`` (an AOTInductor package)."""
        return self._backend.kind

    @property
    def device(self) -> str:
        return self._backend.device

    @property
    def manifest(self) -> Optional[Manifest]:
        return self.signature.manifest

    @property
    def layout(self) -> Optional[Layout]:
        """The artifact's mode and model kind, or ``None`` for a plain ONNX file without a manifest."""
        return self.signature.layout

    @property
    def mode(self) -> Optional[str]:
        """``"sequence"``, ``"step"``, or ``None`` for a plain ONNX file without a manifest."""
        return self.signature.mode

    @property
    def time_steps(self) -> Optional[int]:
        return self.signature.time_steps

    @property
    def state_paths(self) -> List[str]:
        return [state.path for state in self.signature.states]

    def __repr__(self) -> str:
        return (
            f"Session({self.path!r}, format={self.format}, mode={self.mode}, T={self.time_steps}, "
            f"device={self.device}, state={self.state_paths})"
        )

    # ---- state

    def initial_state(self, batch_size: int) -> State:
        """The model's initial state for ``batch_size`` samples, as numpy arrays."""
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise InputError(f"batch_size: expected a positive int, got {batch_size!r}")
        values = {state.path: state.initial(batch_size) for state in self.signature.states}
        return State(values, self.signature.model_key)

    def _state_values(self, state: Any, batch_size: Optional[int]) -> Values:
        if state is None:
            state = self.initial_state(batch_size if batch_size is not None else 1)
        return [self._backend.to_native(value) for value in check_state(state, self.signature, batch_size)]

    def _to_state(self, values: Values, as_torch: bool) -> State:
        paths = self.state_paths
        return State(
            {path: self._backend.from_native(value, as_torch) for path, value in zip(paths, values)},
            self.signature.model_key,
        )

    # ---- native arrays, for streams

    def native(self, value: Any) -> Any:
        """``value`` as the backend's array (numpy for ONNX on CPU, torch for torch artifacts)."""
        return self._backend.to_native(value)

    def answer(self, value: Any, as_torch: bool) -> Any:
        """A backend array as the caller's kind: torch if ``as_torch``, else numpy."""
        return self._backend.from_native(value, as_torch)

    def step_native(self, x_t: Any, values: Values, batch: Optional[int]) -> Tuple[Any, Values]:
        """One time step on native arrays: ``(output, new state values)``."""
        return self._step(x_t, values, batch)

    def bind_state(self, batch_size: int) -> Optional[StepState]:
        """A stream's state bound in place between steps where the backend that runs the steps
        can (a step artifact in onnxruntime on CPU, opened alone or as the step companion of an
        ONNX sequence artifact), else ``None`` (the state is carried through :meth:`step_native`)."""
        if self.signature.is_step:
            return self._backend.bind_state(batch_size)
        companion = self._step_session
        if companion is None or self.time_steps == 1 or (self.format, companion.format) != ("onnx", "onnx"):
            return None
        return companion.bind_state(batch_size)

    # ---- running

    def run(self, x: Any, state: Any = None) -> Tuple[Any, State]:
        """``(output, final state)`` for the input ``x``, starting from ``state`` (or the
        initial state). Numpy in gives numpy out; torch in gives torch out on ``self.device``."""
        as_torch = is_torch(x)
        sig = self.signature
        if sig.layout is None or sig.is_encoder:
            batch = check_array(x, sig.input, "input")
            outputs, values = self._call(self._backend, [self._backend.to_native(x)], self._state_values(state, batch))
            results = [self._backend.from_native(output, as_torch) for output in outputs]
            output = results[0] if len(results) == 1 else {p.name: r for p, r in zip(sig.outputs, results)}
            return output, self._to_state(values, as_torch)
        sequence = sig.is_sequence or getattr(x, "ndim", 0) == len(sig.input.shape) + 1
        batch = check_array(x, self.step_port, "input", leading_time=sequence)
        values = self._state_values(state, batch)
        native = self._backend.to_native(x)
        if sequence:
            output, values = self._run_sequence(native, values, batch)
        else:
            output, values = self._step(native, values, batch)
        return self._backend.from_native(output, as_torch), self._to_state(values, as_torch)

    def run_steps(self, inputs: Sequence[Any], states: Sequence[Any]) -> Tuple[List[Any], List[State]]:
        """One time step of several independent streams as one call: ``inputs[i]``, of shape
        ``(batch_i, ...)``, from ``states[i]`` (``None``: the initial state), gives
        ``(outputs, new states)`` in that order. Inputs and state rows are concatenated along
        each port's batch axis, stepped once and split back, so every stream gets the output and
        state of stepping it alone (one call per stream where a port has no batch axis)."""
        if self.mode is None or self.signature.is_encoder:
            raise InputError(f"{self.path}: run_steps needs a neuron model's artifact with a time layout; use run()")
        if not inputs or len(inputs) != len(states):
            raise InputError(f"run_steps: expected one state per input, got {len(inputs)} inputs, {len(states)} states")
        batches = [check_array(x, self.step_port, "input") for x in inputs]
        values = [self._state_values(state, batch) for state, batch in zip(states, batches)]
        natives = [self._backend.to_native(x) for x in inputs]
        sizes = [batch for batch in batches if batch is not None]
        axes = self._step_batch_axes()
        if axes is None or len(sizes) != len(inputs) or len(inputs) == 1:
            results = [self._step(x, v, batch) for x, v, batch in zip(natives, values, batches)]
        else:
            input_axis, output_axis, state_axes = axes
            rows = [concat(column, axis) for column, axis in zip(zip(*values), state_axes)]
            output, new_rows = self._step(concat(natives, input_axis), rows, sum(sizes))
            outputs = split(output, sizes, output_axis)
            columns = [split(value, sizes, axis) for value, axis in zip(new_rows, state_axes)]
            results = [(outputs[i], [column[i] for column in columns]) for i in range(len(inputs))]
        kinds = [is_torch(x) for x in inputs]
        answers = [self._backend.from_native(output, as_torch) for (output, _), as_torch in zip(results, kinds)]
        return answers, [self._to_state(new, as_torch) for (_, new), as_torch in zip(results, kinds)]

    def _step_batch_axes(self) -> Optional[Tuple[int, int, List[int]]]:
        """The batch axes of one time step's input, output and states; ``None`` where one has none."""
        sig = self.signature
        output_axis = sig.outputs[0].batch_axis
        state_axes = [state.port.batch_axis for state in sig.states]
        input_axis = self.step_port.batch_axis
        if input_axis is None or output_axis is None or None in state_axes:
            return None
        step_output_axis = output_axis - 1 if sig.is_sequence else output_axis  # no time axis in one step
        return input_axis, step_output_axis, [axis for axis in state_axes if axis is not None]

    def stream(self, batch_size: int) -> Stream:
        """A stream of ``batch_size`` samples fed one time step at a time (own state per stream)."""
        if self.layout is None or self.signature.is_encoder:
            raise InputError(f"{self.path}: streaming needs a neuron model's artifact with a time layout; use run()")
        return Stream(self, batch_size)

    def _run_sequence(self, x: Any, values: Values, batch: Optional[int]) -> Tuple[Any, Values]:
        length = x.shape[0]
        steps = self.signature.chunk_steps
        whole = length - length % steps if steps else 0
        outputs = []
        for start in range(0, whole, max(steps, 1)):
            (output,), values = self._call(self._backend, [x[start : start + steps]], values)
            outputs.append(output)
        step_outputs = []
        for t in range(whole, length):
            output, values = self._step(x[t], values, batch)
            step_outputs.append(output)
        if step_outputs:
            outputs.append(stack(step_outputs))
        return concat(outputs), values

    def _step(self, x_t: Any, values: Values, batch: Optional[int]) -> Tuple[Any, Values]:
        """One time step ``x_t`` of shape ``(batch, ...)`` on native arrays."""
        if self.signature.is_step:
            (output,), values = self._call(self._backend, [x_t], values)
            return output, values
        if self.time_steps == 1:
            (output,), values = self._call(self._backend, [x_t[None]], values)
            return output[0], values
        if self._step_session is None:
            raise InputError(
                f"{self.path}: this sequence artifact runs exactly T={self.time_steps} steps at a time; a "
                f"remainder or a single step needs the model's step artifact: "
                f"load(path, step_artifact='model_step.onnx') (export it with step=True)"
            )
        companion = self._step_session._backend
        (output,), values = self._call(companion, [companion.to_native(x_t)], [companion.to_native(v) for v in values])
        return self._backend.to_native(output), [self._backend.to_native(v) for v in values]

    def _call(self, backend: Any, inputs: Values, values: Values) -> Tuple[Values, Values]:
        axis = backend.signature.input.batch_axis
        results = backend.run(inputs + values, None if axis is None else inputs[0].shape[axis])
        count = len(backend.signature.outputs)
        return results[:count], results[count:]
