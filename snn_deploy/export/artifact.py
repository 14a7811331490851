"""Read the manifest of any artifact, and re-validate it against its recorded reference."""

from pathlib import Path
from typing import Any, Callable, Dict, List

import numpy as np

from snn_deploy.errors import ArtifactError
from snn_deploy.export.compare import compare
from snn_deploy.export.reference import REFERENCE_KEY, decode
from snn_deploy.extras import require
from snn_deploy.formats import AOTI, ONNX, ArtifactFile, open_artifact, read_artifact
from snn_deploy.manifest import OUTPUT_NAME, Manifest


def read_extras(path: "str | Path") -> Dict[str, str]:
    """The extra entries (manifest, reference) of an artifact, read as data (never executed)."""
    return read_artifact(path).extras


def read_manifest(path: "str | Path") -> Manifest:
    """The manifest of an artifact of any format, read as data (never executed)."""
    manifest = read_artifact(path).manifest
    if manifest is None:
        raise ArtifactError(f"{path}: has no snn_deploy manifest (not exported by snn_deploy)")
    return manifest


def _runner(artifact: ArtifactFile) -> Callable[[List[np.ndarray]], List[np.ndarray]]:
    """The artifact's stock loader: onnxruntime on the checked bytes (no torch), else torch's."""
    if artifact.format is ONNX:
        import onnxruntime

        try:
            session = onnxruntime.InferenceSession(artifact.path, providers=["CPUExecutionProvider"])
        except Exception as error:
            raise ArtifactError(f"{artifact.path}: onnxruntime cannot load it: {error}") from None
        names = [value.name for value in session.get_inputs()]
        return lambda arrays: session.run(None, dict(zip(names, arrays)))
    require("torch", f"validating a {artifact.format.name} artifact")
    from snn_deploy.export.api import WRITERS

    return WRITERS[artifact.format.name].load(Path(artifact.path), aoti=artifact.format is AOTI)


def validate_artifact(path: "str | Path", trusted: bool = False) -> Dict[str, Any]:
    """Run the artifact with its stock loader on the inputs recorded at export and compare with
    the eager outputs recorded then; return figures per output or raise a ``ValidationError``.
    TorchScript and ``.pt2`` files are code: they run only with ``trusted=True``."""
    artifact = open_artifact(path, trusted)
    manifest = artifact.manifest
    if manifest is None:
        raise ArtifactError(f"{path}: has no snn_deploy manifest (not exported by snn_deploy)")
    if REFERENCE_KEY not in artifact.extras:
        raise ArtifactError(f"{path}: was exported without validation and records no reference to check against")
    recorded = decode(artifact.extras[REFERENCE_KEY])
    actual = _runner(artifact)([recorded[spec.name] for spec in manifest.inputs])
    names = [spec.name for spec in manifest.outputs]
    time_major = [OUTPUT_NAME] if manifest.mode == "sequence" else []
    return compare(names, actual, [recorded[name] for name in names], time_major)
