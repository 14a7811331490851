"""The manifest embedded in every artifact: what it holds and how to feed it, as JSON.

Torch-free, so that the runtime can read artifacts with numpy and onnxruntime alone.

Names at the artifact boundary:

* inputs: ``input``, then ``state.<path>`` for every state tensor (``state.v``, ``state.2.i``);
* outputs: ``output``, then ``new_state.<path>`` in the same order.

``<path>`` is the dotted name of the tensor in the model's state (see :mod:`snn_deploy.state`).
Shapes list ``null`` for the batch axis, which is dynamic; all other sizes (and ``T`` in
sequence mode) are fixed.

Where the manifest (``Manifest.to_json()``) is stored, always under the key ``MANIFEST_KEY``:

* ``.onnx``: a ``metadata_props`` entry of the ONNX model;
* TorchScript (``.ts``/``.pt``): an extra file of ``torch.jit.save`` (``_extra_files``);
* ``.pt2``: an extra file of ``torch.export.save`` (``extra_files``); for an AOTInductor
  package, a file of that name inside the package's zip archive.
"""

import json
import math
import zlib
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Sequence, cast

from snn_deploy.artifact.layout import KINDS, MODES, Kind, Layout, Mode
from snn_deploy.errors import ArtifactError, IncompatibleVersionError

FORMAT_VERSION = 1
MANIFEST_KEY = "snn_deploy.manifest"
ONNX_DIGEST_KEY = "snn_deploy.crc32"
INPUT_NAME = "input"
OUTPUT_NAME = "output"
STATE_PREFIX = "state."
NEW_STATE_PREFIX = "new_state."
DTYPES = ("float16", "bfloat16", "float32", "float64", "int8", "uint8", "int32", "int64", "bool")
MAX_MANIFEST_BYTES = 64 << 20
MAX_DEPTH = 64  # nesting of the JSON (a model tree of 60 levels still fits)
MAX_ELEMENTS = 1 << 31  # of one tensor per sample
MAX_TIME_STEPS = 1 << 24


@dataclass
class TensorSpec:
    """Name, shape (``None`` marks the dynamic batch axis) and numpy dtype name of one tensor."""

    name: str
    shape: List[Optional[int]]
    dtype: str

    @property
    def batch_axis(self) -> Optional[int]:
        return self.shape.index(None) if None in self.shape else None


@dataclass
class StateSpec:
    """One state tensor: its dotted path, per-sample shape (no batch axis), dtype and initial
    value, either ``fill`` (every element equal) or ``values`` (nested lists of that shape)."""

    path: str
    shape: List[int]
    dtype: str
    fill: Optional[float] = None
    values: Optional[list] = None

    @property
    def input_name(self) -> str:
        return STATE_PREFIX + self.path

    @property
    def output_name(self) -> str:
        return NEW_STATE_PREFIX + self.path


@dataclass
class Manifest:
    """Everything a runtime needs to load and run an artifact without the model's code."""

    format: str
    mode: str
    time_steps: Optional[int]
    dt: Optional[float]
    dtype: str
    inputs: List[TensorSpec]
    outputs: List[TensorSpec]
    state: List[StateSpec]
    model: Dict[str, Any]
    producer: Dict[str, str]
    validation: Dict[str, Any] = field(default_factory=dict)
    options: Dict[str, Any] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    @property
    def layout(self) -> Layout:
        """The mode and the model's kind (checked by :func:`check_fields`)."""
        kind = self.model.get("kind")
        return Layout(Mode(self.mode), None if kind is None else Kind(kind))

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: "str | bytes", source: str = "artifact") -> "Manifest":
        """Parse and check a manifest; raise :class:`ArtifactError` naming the field if it is not
        one, and :class:`IncompatibleVersionError` if a newer format version wrote it."""
        if len(text) > MAX_MANIFEST_BYTES:
            raise ArtifactError(f"{source}: the snn_deploy manifest has {len(text)} bytes, over {MAX_MANIFEST_BYTES}")
        try:
            data = json.loads(text)
        except RecursionError:
            raise ArtifactError(f"{source}: the snn_deploy manifest is nested too deeply") from None
        except (TypeError, ValueError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise ArtifactError(f"{source}: the snn_deploy manifest is not valid JSON ({error})") from None
        if not isinstance(data, dict) or "format_version" not in data:
            raise ArtifactError(f"{source}: the snn_deploy manifest has no format_version")
        version = data["format_version"]
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise ArtifactError(
                f"{source}: the snn_deploy manifest's format_version must be a positive integer, got {version!r}"
            )
        if version > FORMAT_VERSION:
            raise IncompatibleVersionError(
                f"{source}: written with manifest format version {version}, this snn_deploy "
                f"reads up to version {FORMAT_VERSION}; upgrade snn_deploy to load it"
            )
        return cls(**check_fields(data, source))


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of a JSON value, without recursion (a hostile manifest may nest deeply)."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return deepest


def _fail(source: str, field_name: str, problem: str) -> ArtifactError:
    return ArtifactError(f"{source}: manifest field '{field_name}' {problem}")


def _check_type(value: Any, kinds: Any, source: str, field_name: str, what: str) -> Any:
    if not isinstance(value, kinds) or isinstance(value, bool) and bool not in _as_tuple(kinds):
        raise _fail(source, field_name, f"must be {what}, got {type(value).__name__}")
    return value


def _as_tuple(kinds: Any) -> tuple:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _check_shape(shape: Any, source: str, field_name: str, batch_allowed: bool) -> List[Optional[int]]:
    _check_type(shape, list, source, field_name, "a list of sizes")
    if len(shape) > 16:
        raise _fail(source, field_name, f"has {len(shape)} axes, more than 16")
    elements = 1
    for size in shape:
        if size is None and batch_allowed:
            continue
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise _fail(source, field_name, f"holds {size!r}, not a size")
        elements *= size
    if elements > MAX_ELEMENTS:
        raise _fail(source, field_name, f"{shape} has {elements} elements per sample, over {MAX_ELEMENTS}")
    if batch_allowed and shape.count(None) > 1:
        raise _fail(source, field_name, f"{shape} has more than one batch axis")
    return shape


def _check_dtype(value: Any, source: str, field_name: str) -> str:
    if value not in DTYPES:
        raise _fail(source, field_name, f"is {value!r}, not one of {', '.join(DTYPES)}")
    return value


def _tensor_spec(spec: Any, source: str, where: str) -> TensorSpec:
    _check_type(spec, dict, source, where, "an object")
    if set(spec) != {"name", "shape", "dtype"}:
        raise _fail(source, where, f"must have the keys name, shape, dtype; has {sorted(spec)}")
    name = _check_type(spec["name"], str, source, f"{where}.name", "a string")
    shape = _check_shape(spec["shape"], source, f"{where}.shape", batch_allowed=True)
    return TensorSpec(name, shape, _check_dtype(spec["dtype"], source, f"{where}.dtype"))


def _state_spec(spec: Any, source: str, where: str) -> StateSpec:
    _check_type(spec, dict, source, where, "an object")
    allowed = {"path", "shape", "dtype", "fill", "values"}
    if not {"path", "shape", "dtype"} <= set(spec) <= allowed:
        raise _fail(source, where, f"must have the keys path, shape, dtype[, fill, values]; has {sorted(spec)}")
    path = _check_type(spec["path"], str, source, f"{where}.path", "a string")
    shape = cast(List[int], _check_shape(spec["shape"], source, f"{where}.shape", batch_allowed=False))
    dtype = _check_dtype(spec["dtype"], source, f"{where}.dtype")
    fill, values = spec.get("fill"), spec.get("values")
    if fill is not None and (not isinstance(fill, (int, float)) or isinstance(fill, bool)):
        raise _fail(source, f"{where}.fill", f"must be a number, got {type(fill).__name__}")
    if values is not None:
        _check_values(values, shape, source, f"{where}.values")
    return StateSpec(path, shape, dtype, fill, values)


def _check_values(values: Any, shape: Sequence[int], source: str, where: str) -> None:
    """``values`` must be nested lists of exactly ``shape`` holding numbers."""
    level = [values]
    for size in shape:
        following = []
        for item in level:
            if not isinstance(item, list) or len(item) != size:
                raise _fail(source, where, f"does not have the shape {list(shape)}")
            following.extend(item)
        level = following
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in level):
        raise _fail(source, where, "must hold numbers only")


def check_fields(data: Dict[str, Any], source: str) -> Dict[str, Any]:
    """The manifest's fields with their types, ranges, nesting and sizes checked, and the
    tensor specs built; an :class:`ArtifactError` names the first bad field."""
    if _depth(data, MAX_DEPTH) > MAX_DEPTH:
        raise ArtifactError(f"{source}: the snn_deploy manifest is nested more than {MAX_DEPTH} levels deep")
    required = {"format", "mode", "time_steps", "dt", "dtype", "inputs", "outputs", "state", "model", "producer"}
    known = required | {"validation", "options", "format_version"}
    missing, unknown = sorted(required - set(data)), sorted(set(data) - known)
    if missing or unknown:
        raise ArtifactError(
            f"{source}: the snn_deploy manifest is incomplete or unknown (missing {missing}, unknown {unknown})"
        )
    _check_type(data["format"], str, source, "format", "a string")  # checked against the file by formats
    if data["mode"] not in MODES:
        raise _fail(source, "mode", f"is {data['mode']!r}, not one of {', '.join(MODES)}")
    steps = data["time_steps"]
    if steps is not None and (not isinstance(steps, int) or isinstance(steps, bool) or not 0 < steps <= MAX_TIME_STEPS):
        raise _fail(source, "time_steps", f"is {steps!r}, not null or an int in 1..{MAX_TIME_STEPS}")
    dt = data["dt"]
    if dt is not None and (
        not isinstance(dt, (int, float)) or isinstance(dt, bool) or not math.isfinite(dt) or dt <= 0
    ):
        raise _fail(source, "dt", f"is {dt!r}, not null or a positive number")
    fields = dict(data)
    fields["dtype"] = _check_dtype(data["dtype"], source, "dtype")
    for name in ("inputs", "outputs", "state"):
        _check_type(data[name], list, source, name, "a list")
    fields["inputs"] = [_tensor_spec(spec, source, f"inputs[{i}]") for i, spec in enumerate(data["inputs"])]
    fields["outputs"] = [_tensor_spec(spec, source, f"outputs[{i}]") for i, spec in enumerate(data["outputs"])]
    fields["state"] = [_state_spec(spec, source, f"state[{i}]") for i, spec in enumerate(data["state"])]
    for name in ("model", "producer", "validation", "options"):
        _check_type(data.get(name, {}), dict, source, name, "an object")
    if not all(isinstance(value, str) for value in data["producer"].values()):
        raise _fail(source, "producer", "must map names to version strings")
    kind = data["model"].get("kind")
    if kind is not None and kind not in KINDS:
        raise _fail(source, "model.kind", f"is {kind!r}, not one of {', '.join(KINDS)}")
    return fields


def onnx_digest(model: Any) -> str:
    """The checksum (CRC-32, hex) of an ``onnx.ModelProto`` serialized without its own
    ``ONNX_DIGEST_KEY`` entry, which the runtime checks on the file's raw bytes (see
    :mod:`snn_deploy.formats.onnx_file`)."""
    copy = type(model)()
    copy.CopyFrom(model)
    kept = [entry for entry in copy.metadata_props if entry.key != ONNX_DIGEST_KEY]
    del copy.metadata_props[:]
    copy.metadata_props.extend(kept)
    return f"{zlib.crc32(copy.SerializeToString(deterministic=True)):08x}"
