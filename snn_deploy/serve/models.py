"""The models a server holds: an ONNX artifact's session with its protocol metadata and checks.

Only ONNX artifacts are served: TorchScript and .pt2 archives carry code that loading would
execute, and they need torch, which the serving install does not have.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from snn_deploy import runtime
from snn_deploy.errors import ArtifactError
from snn_deploy.runtime import Session, State
from snn_deploy.serve.protocol import ProtocolError, datatype

ZIP_MAGIC = b"PK\x03\x04"
Arrays = Mapping[str, np.ndarray]  # a state the runtime handed out (a State) or one like it


def _port_shape(shape: Sequence[Optional[int]]) -> List[int]:
    return [-1 if size is None else size for size in shape]


@dataclass
class ServedModel:
    """One artifact served as ``name``: a step artifact streams (one time step per request, state
    held by the server), a sequence artifact answers whole ``(T, B, ...)`` sequences."""

    name: str
    session: Session
    batch_axis: int  # of the data input (of one step, for a step artifact)

    @property
    def is_step(self) -> bool:
        return self.session.signature.is_step

    @property
    def input_name(self) -> str:
        return self.session.signature.input.name

    @property
    def output_name(self) -> str:
        return self.session.signature.outputs[0].name

    def metadata(self) -> Dict[str, Any]:
        """The protocol's model metadata: data inputs and outputs with datatype and shape (``-1``
        on the batch axis); the mode and ``T`` of the manifest go in ``parameters``."""
        signature = self.session.signature
        ports = {
            "inputs": [signature.input],
            "outputs": list(signature.outputs),
        }
        metadata: Dict[str, Any] = {"name": self.name, "versions": ["1"], "platform": "onnxruntime_onnx"}
        for key, values in ports.items():
            metadata[key] = [
                {"name": port.name, "datatype": datatype(port.dtype), "shape": _port_shape(port.shape)}
                for port in values
            ]
        metadata["parameters"] = {
            "mode": self.session.mode,
            "time_steps": self.session.time_steps,
            "stateful": bool(signature.states),
            "state": [state.path for state in signature.states],
        }
        return metadata

    def check_input(self, inputs: Dict[str, np.ndarray]) -> Tuple[np.ndarray, bool, int]:
        """The data input of a request, whether it is a single step, and its batch size; a wrong
        name, datatype or shape raises a 400 :class:`ProtocolError` naming what was expected."""
        port = self.session.signature.input
        if set(inputs) != {port.name}:
            raise ProtocolError(400, f"model '{self.name}' takes one input '{port.name}', got {sorted(inputs)}")
        x = inputs[port.name]
        if x.dtype != np.dtype(port.dtype):
            raise ProtocolError(
                400, f"input '{port.name}': expected datatype {datatype(port.dtype)}, got {datatype(x.dtype)}"
            )
        shape = list(port.shape)
        single = self.is_step and x.ndim == len(shape)
        if self.is_step and not single:
            shape = [None, *shape]
        if self.session.signature.is_sequence:
            shape[0] = None
        fits = x.ndim == len(shape) and all(want is None or want == got for want, got in zip(shape, x.shape))
        if not fits or x.size == 0:
            steps = f"{_port_shape(port.shape)} (one step) or [T, ...] of that" if self.is_step else None
            expected = steps or f"{_port_shape([None, *port.shape[1:]])} (T a multiple of {self.session.time_steps})"
            raise ProtocolError(400, f"input '{port.name}': expected shape {expected}, got {list(x.shape)}")
        time_steps = self.session.time_steps
        if self.session.signature.is_sequence and time_steps and x.shape[0] % time_steps:
            raise ProtocolError(
                400, f"input '{port.name}': the length {x.shape[0]} is not a multiple of T={time_steps}"
            )
        axis = self.batch_axis + (0 if single else 1) if self.is_step else self.batch_axis
        return x, single, int(x.shape[axis])

    # ---- running (called from worker threads): the runtime owns the state

    def initial_state(self, batch: int) -> State:
        return self.session.initial_state(batch)

    def run(self, x: np.ndarray, state: Optional[Arrays] = None) -> Tuple[np.ndarray, State]:
        return self.session.run(x, state)

    def run_steps(self, xs: List[np.ndarray], states: List[Arrays]) -> List[Tuple[np.ndarray, State]]:
        """The single steps ``xs`` of several sequences as one batched step call
        (:meth:`snn_deploy.runtime.Session.run_steps`), one ``(output, new state)`` each."""
        outputs, new_states = self.session.run_steps(xs, states)
        return list(zip(outputs, new_states))


def _name_and_path(spec: str) -> Tuple[str, Path]:
    """``NAME=PATH`` or ``PATH`` (named after the file's stem)."""
    name, separator, path = spec.partition("=")
    if not separator:
        name, path = Path(spec).stem, spec
    return name, Path(path)


def load_model(spec: str, threads: int = 1) -> ServedModel:
    """Open one ONNX artifact (``NAME=PATH`` or ``PATH``) for serving."""
    name, path = _name_and_path(spec)
    if not name or "/" in name:
        raise ArtifactError(f"{spec}: a model name must be non-empty and free of '/'")
    with open(path, "rb") as handle:
        if handle.read(4) == ZIP_MAGIC:
            raise ArtifactError(
                f"{path}: a TorchScript or .pt2 archive; the server runs ONNX artifacts only (archives carry "
                f"code that loading would execute, and need torch): export with --format onnx"
            )
    session = runtime.load(os.fspath(path), threads=threads)
    if session.format != "onnx":
        raise ArtifactError(f"{path}: a {session.format} artifact; the server runs ONNX artifacts only")
    if session.signature.is_encoder or session.mode is None:
        raise ArtifactError(f"{path}: not a neuron model's artifact with a manifest (mode {session.mode!r})")
    batch_axis = session.signature.input.batch_axis
    if batch_axis is None:
        raise ArtifactError(f"{path}: its input {session.signature.input.shape} has no batch axis to serve along")
    return ServedModel(name, session, batch_axis)


def load_models(specs: Sequence[str], threads: int = 1) -> Dict[str, ServedModel]:
    models: Dict[str, ServedModel] = {}
    for spec in specs:
        model = load_model(spec, threads)
        if model.name in models:
            raise ArtifactError(f"two artifacts are named '{model.name}': name one of them NAME=PATH")
        models[model.name] = model
    return models
