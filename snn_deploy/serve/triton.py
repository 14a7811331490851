"""Triton Inference Server model repositories (ONNX Runtime backend) for ONNX artifacts.

``REPO/<name>/config.pbtxt``, ``REPO/<name>/1/model.onnx`` and, for initial states that are not
zero, ``REPO/<name>/initial_state/<file>`` (raw row-major values of one sample).

* A step artifact gets ``sequence_batching`` with implicit state: one ``state`` entry per state
  tensor mapping ``state.<path>`` to ``new_state.<path>``, its initial value from the manifest,
  and the ``oldest`` strategy, which batches the steps of up to ``max_batch_size`` sequences
  dynamically (Triton's ``dynamic_batching`` and ``sequence_batching`` exclude each other).
* A sequence artifact gets a stateless config: its batch axis is not first (``(T, B, ...)``), so
  ``max_batch_size: 0`` and every input and output, state included, with ``-1`` on the batch axis.
"""

import os
import shutil
from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np

from snn_deploy.errors import ArtifactError
from snn_deploy.serve.models import ServedModel, load_model

TRITON_TYPES = {
    "bool": "TYPE_BOOL",
    "uint8": "TYPE_UINT8",
    "int8": "TYPE_INT8",
    "int16": "TYPE_INT16",
    "int32": "TYPE_INT32",
    "int64": "TYPE_INT64",
    "float16": "TYPE_FP16",
    "float32": "TYPE_FP32",
    "float64": "TYPE_FP64",
}


def triton_type(dtype: str) -> str:
    if dtype not in TRITON_TYPES:
        raise ArtifactError(f"dtype {dtype} has no Triton datatype here (supported: {', '.join(TRITON_TYPES)})")
    return TRITON_TYPES[dtype]


def _dims(shape: Sequence[Optional[int]]) -> str:
    return "[ " + ", ".join("-1" if size is None else str(size) for size in shape) + " ]"


def _tensor(name: str, dtype: str, shape: Sequence[Optional[int]]) -> str:
    return f'  {{ name: "{name}" data_type: {triton_type(dtype)} dims: {_dims(shape)} }}'


def _section(key: str, entries: List[str]) -> str:
    return f"{key} [\n" + ",\n".join(entries) + "\n]\n"


def _without_batch(name: str, shape: Sequence[Optional[int]]) -> List[int]:
    if not shape or shape[0] is not None or None in shape[1:]:
        raise ArtifactError(
            f"'{name}' has shape {list(shape)}: Triton batches along the first axis, which must be the only free one"
        )
    return [size for size in shape[1:] if size is not None]


def _initial_state(model: ServedModel, folder: Path) -> List[str]:
    """One ``state`` entry per state tensor; non-zero initial values go to ``initial_state/``."""
    entries = []
    initial = model.initial_state(1)
    for state in model.session.signature.states:
        dims = _without_batch(state.port.name, state.port.shape)
        kind = triton_type(state.port.dtype)
        value = np.ascontiguousarray(initial[state.path]).reshape(dims)
        if np.any(value):
            file_name = f"{state.path}.bin"
            (folder / "initial_state").mkdir(exist_ok=True)
            (folder / "initial_state" / file_name).write_bytes(value.tobytes())
            source = f'data_file: "{file_name}"'
        else:
            source = "zero_data: true"
        entries.append(
            f'    {{\n      input_name: "{state.port.name}"\n      output_name: "{state.output_name}"\n'
            f"      data_type: {kind}\n      dims: {_dims(dims)}\n"
            f'      initial_state {{ data_type: {kind} dims: {_dims(dims)} {source} name: "initial_{state.path}" }}\n'
            "    }"
        )
    return entries


def step_config(model: ServedModel, folder: Path, max_batch_size: int, queue_delay_us: int, idle_us: int) -> str:
    signature = model.session.signature
    inputs = [_tensor(signature.input.name, signature.input.dtype, _without_batch("input", signature.input.shape))]
    outputs = [_tensor(port.name, port.dtype, _without_batch(port.name, port.shape)) for port in signature.outputs]
    states = _initial_state(model, folder)
    return (
        f'name: "{model.name}"\nplatform: "onnxruntime_onnx"\nmax_batch_size: {max_batch_size}\n'
        + _section("input", inputs)
        + _section("output", outputs)
        + "sequence_batching {\n"
        + f"  max_sequence_idle_microseconds: {idle_us}\n"
        + f"  oldest {{ max_candidate_sequences: {max_batch_size} max_queue_delay_microseconds: {queue_delay_us} }}\n"
        + (_section("  state", states) if states else "")
        + "}\n"
    )


def sequence_config(model: ServedModel) -> str:
    signature = model.session.signature
    inputs = [_tensor(signature.input.name, signature.input.dtype, signature.input.shape)]
    inputs += [_tensor(state.port.name, state.port.dtype, state.port.shape) for state in signature.states]
    outputs = [_tensor(port.name, port.dtype, port.shape) for port in signature.outputs]
    outputs += [_tensor(state.output_name, state.port.dtype, state.port.shape) for state in signature.states]
    return (
        f'name: "{model.name}"\nplatform: "onnxruntime_onnx"\nmax_batch_size: 0\n'
        + _section("input", inputs)
        + _section("output", outputs)
    )


def write_repository(
    artifacts: Sequence[str],
    out: os.PathLike,
    max_batch_size: int = 64,
    queue_delay_us: int = 500,
    idle_timeout_s: float = 60.0,
) -> List[Path]:
    """Write one model folder per artifact (``PATH`` or ``NAME=PATH``) under ``out``; returns the
    config files written."""
    root = Path(out)
    written = []
    for spec in artifacts:
        model = load_model(spec)
        folder = root / model.name
        if folder.exists():
            raise ArtifactError(f"{folder} exists already; choose another --out or remove it")
        (folder / "1").mkdir(parents=True)
        shutil.copyfile(model.session.path, folder / "1" / "model.onnx")
        if model.is_step:
            text = step_config(model, folder, max_batch_size, queue_delay_us, int(idle_timeout_s * 1e6))
        else:
            text = sequence_config(model)
        (folder / "config.pbtxt").write_text(text)
        written.append(folder / "config.pbtxt")
    return written
