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

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional

from snn_deploy.errors import ArtifactError, IncompatibleVersionError

FORMAT_VERSION = 1
MANIFEST_KEY = "snn_deploy.manifest"
ONNX_DIGEST_KEY = "snn_deploy.sha256"
INPUT_NAME = "input"
OUTPUT_NAME = "output"
STATE_PREFIX = "state."
NEW_STATE_PREFIX = "new_state."
FORMATS = ("onnx", "torchscript", "pt2")
MODES = ("sequence", "step")


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

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str, source: str = "artifact") -> "Manifest":
        """Parse a manifest; raise :class:`ArtifactError` if it is not one, and
        :class:`IncompatibleVersionError` if a newer format version wrote it."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as error:
            raise ArtifactError(f"{source}: the snn_deploy manifest is not valid JSON ({error})") from None
        if not isinstance(data, dict) or "format_version" not in data:
            raise ArtifactError(f"{source}: the snn_deploy manifest has no format_version")
        version = data["format_version"]
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise IncompatibleVersionError(
                f"{source}: written with manifest format version {version}, this snn_deploy "
                f"reads up to version {FORMAT_VERSION}; upgrade snn_deploy to load it"
            )
        try:
            data["inputs"] = [TensorSpec(**spec) for spec in data["inputs"]]
            data["outputs"] = [TensorSpec(**spec) for spec in data["outputs"]]
            data["state"] = [StateSpec(**spec) for spec in data["state"]]
            manifest = cls(**data)
        except (KeyError, TypeError) as error:
            raise ArtifactError(f"{source}: the snn_deploy manifest is incomplete ({error})") from None
        if manifest.format not in FORMATS or manifest.mode not in MODES:
            raise ArtifactError(
                f"{source}: unknown format {manifest.format!r} or mode {manifest.mode!r} in the manifest"
            )
        return manifest


def onnx_digest(model: Any) -> str:
    """SHA-256 of an ``onnx.ModelProto`` without its own ``ONNX_DIGEST_KEY`` entry: ONNX files
    carry no checksum, so the exporter records this one and the runtime checks it, which turns a
    flipped byte in a weight into a clear error instead of a silently wrong answer."""
    copy = type(model)()
    copy.CopyFrom(model)
    kept = [entry for entry in copy.metadata_props if entry.key != ONNX_DIGEST_KEY]
    del copy.metadata_props[:]
    copy.metadata_props.extend(kept)
    return hashlib.sha256(copy.SerializeToString(deterministic=True)).hexdigest()
