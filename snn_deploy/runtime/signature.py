"""What a session needs to feed an artifact: its ports, state layout, mode and ``T``.

Built from the embedded manifest (:mod:`snn_deploy.manifest`) or, for a plain ONNX file
without one, from the names and shapes the graph declares (``state.<path>`` inputs paired with
``new_state.<path>`` outputs are its state; it has no known initial state and no ``T``).
"""

import hashlib
import json
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from snn_deploy.artifact.layout import Layout
from snn_deploy.errors import ArtifactError, InputError
from snn_deploy.manifest import (
    INPUT_NAME,
    NEW_STATE_PREFIX,
    OUTPUT_NAME,
    STATE_PREFIX,
    Manifest,
    StateSpec,
)

Shape = Tuple[Optional[int], ...]


@dataclass(frozen=True)
class Port:
    """One named tensor at the artifact boundary; ``None`` in ``shape`` marks a free axis."""

    name: str
    shape: Shape
    dtype: str

    @property
    def batch_axis(self) -> Optional[int]:
        return self.shape.index(None) if None in self.shape else None

    def with_batch(self, batch_size: int) -> Tuple[int, ...]:
        return tuple(batch_size if size is None else size for size in self.shape)


@dataclass(frozen=True)
class StatePort:
    """One state tensor: fed as ``port.name``, returned as ``output_name``."""

    path: str
    port: Port
    output_name: str
    spec: Optional[StateSpec] = None

    def initial(self, batch_size: int) -> np.ndarray:
        """The initial value for ``batch_size`` samples, from the manifest's per-sample value."""
        if self.spec is None:
            raise InputError(
                f"state '{self.path}': this plain ONNX file declares no initial state; pass state= explicitly"
            )
        dtype = np.dtype(self.spec.dtype)
        if self.spec.values is not None:
            sample = np.asarray(self.spec.values, dtype=dtype).reshape(self.spec.shape)
        else:
            sample = np.full(self.spec.shape, self.spec.fill or 0.0, dtype=dtype)
        axis = self.port.batch_axis
        if axis is None:
            return sample
        return np.ascontiguousarray(np.repeat(np.expand_dims(sample, axis), batch_size, axis=axis))


@dataclass(frozen=True)
class Signature:
    """Ports, state and time layout of one artifact. ``layout_key`` identifies the per-step input
    and state layout, ``model_key`` that and the model's class tree (it tags returned states)."""

    input: Port
    outputs: Tuple[Port, ...]
    states: Tuple[StatePort, ...]
    layout: Optional[Layout]
    time_steps: Optional[int]
    model_key: str
    layout_key: str
    manifest: Optional[Manifest]

    @property
    def output_names(self) -> List[str]:
        return [port.name for port in self.outputs] + [state.output_name for state in self.states]

    @property
    def input_names(self) -> List[str]:
        return [self.input.name] + [state.port.name for state in self.states]

    @property
    def fingerprint(self) -> Optional[str]:
        """The exporter's fingerprint of the model's architecture, weights and parameters."""
        if self.manifest is None:
            return None
        value = self.manifest.model.get("fingerprint")
        return value if isinstance(value, str) else None

    @property
    def mode(self) -> Optional[str]:
        """``"sequence"``, ``"step"``, or ``None`` for a plain ONNX file."""
        return None if self.layout is None else self.layout.mode.value

    @property
    def is_step(self) -> bool:
        return self.layout is not None and self.layout.is_step

    @property
    def is_sequence(self) -> bool:
        """A fixed-``T`` sequence artifact whose ``(T, batch, ...)`` input may be chunked."""
        return self.layout is not None and self.layout.is_chunked

    @property
    def chunk_steps(self) -> int:
        """The ``T`` of one chunk of a sequence artifact (checked against its input); 0 for others."""
        return (self.time_steps or 0) if self.is_sequence else 0

    @property
    def is_encoder(self) -> bool:
        """An encoder: ``(batch, ...)`` in, ``(T, batch, ...)`` out, no state; runs as declared."""
        return self.layout is not None and self.layout.is_encoder


def from_manifest(manifest: Manifest, source: str) -> Signature:
    ports = {spec.name: Port(spec.name, tuple(spec.shape), spec.dtype) for spec in manifest.inputs}
    out_ports = {spec.name: Port(spec.name, tuple(spec.shape), spec.dtype) for spec in manifest.outputs}
    try:
        states = tuple(StatePort(spec.path, ports[spec.input_name], spec.output_name, spec) for spec in manifest.state)
        data_input, data_output = ports[INPUT_NAME], out_ports[OUTPUT_NAME]
    except KeyError as error:
        raise ArtifactError(f"{source}: the manifest lists no port {error}") from None
    layout = manifest.layout
    chunked = layout.is_chunked
    if chunked and (not manifest.time_steps or data_input.shape[0] != manifest.time_steps):
        raise ArtifactError(
            f"{source}: sequence manifest with T={manifest.time_steps} but input shape {data_input.shape}"
        )
    per_step = {
        "dtype": manifest.dtype,
        "input": _per_step_shape(data_input, chunked),
        "state": [(spec.path, spec.shape, spec.dtype) for spec in manifest.state],
    }
    model_key = _digest({"layout": per_step, "model": manifest.model})
    return Signature(
        data_input, (data_output,), states, layout, manifest.time_steps, model_key, _digest(per_step), manifest
    )


def from_declared(inputs: Sequence[Port], outputs: Sequence[Port], source: str) -> Signature:
    """A signature for a plain ONNX file: one data input, ``state.*`` inputs paired with
    ``new_state.*`` outputs, every other output returned."""
    data_inputs = [port for port in inputs if not port.name.startswith(STATE_PREFIX)]
    if len(data_inputs) != 1:
        raise ArtifactError(
            f"{source}: a plain ONNX file (no snn_deploy manifest) must have exactly one input that is not "
            f"'state.*'; it declares {[port.name for port in inputs]}"
        )
    output_names = {port.name for port in outputs}
    states = []
    for port in inputs:
        if port.name.startswith(STATE_PREFIX):
            path = port.name[len(STATE_PREFIX) :]
            if NEW_STATE_PREFIX + path not in output_names:
                raise ArtifactError(f"{source}: input '{port.name}' has no output '{NEW_STATE_PREFIX}{path}'")
            states.append(StatePort(path, port, NEW_STATE_PREFIX + path))
    state_outputs = {state.output_name for state in states}
    data_outputs = tuple(port for port in outputs if port.name not in state_outputs)
    layout = {"inputs": [(p.name, p.shape, p.dtype) for p in inputs], "outputs": sorted(output_names)}
    key = _digest(layout)
    return Signature(data_inputs[0], data_outputs, tuple(states), None, None, key, key, None)


def _per_step_shape(port: Port, chunked: bool) -> Shape:
    return port.shape[1:] if chunked else port.shape


def _digest(layout: dict) -> str:
    return hashlib.sha256(json.dumps(layout, sort_keys=True, default=str).encode()).hexdigest()[:16]
