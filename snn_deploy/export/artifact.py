"""Read the manifest of any artifact, and re-validate it against its recorded reference."""

from pathlib import Path
from typing import Any, Dict

from snn_deploy.errors import ArtifactError
from snn_deploy.export.compare import compare
from snn_deploy.export.reference import REFERENCE_KEY, decode
from snn_deploy.formats import open_artifact, read_artifact
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


def validate_artifact(path: "str | Path", trusted: bool = False) -> Dict[str, Any]:
    """Run the artifact with its stock loader on the inputs recorded at export and compare with
    the eager outputs recorded then; return figures per output or raise a ``ValidationError``.
    TorchScript and ``.pt2`` files are code: they run only with ``trusted=True``."""
    from snn_deploy.export.api import WRITERS

    artifact = open_artifact(path, trusted)
    manifest = artifact.manifest
    if manifest is None:
        raise ArtifactError(f"{path}: has no snn_deploy manifest (not exported by snn_deploy)")
    if REFERENCE_KEY not in artifact.extras:
        raise ArtifactError(f"{path}: was exported without validation and records no reference to check against")
    recorded = decode(artifact.extras[REFERENCE_KEY])
    runner = WRITERS[artifact.format.name].load(Path(path), aoti=artifact.format.name == "aoti")
    actual = runner([recorded[spec.name] for spec in manifest.inputs])
    names = [spec.name for spec in manifest.outputs]
    time_major = [OUTPUT_NAME] if manifest.mode == "sequence" else []
    return compare(names, actual, [recorded[name] for name in names], time_major)
