"""Read the manifest of any artifact, and re-validate it against its recorded reference."""

import zipfile
from pathlib import Path
from typing import Any, Dict

from snn_deploy.errors import ArtifactError
from snn_deploy.export import onnx_format, zip_extras
from snn_deploy.export.compare import compare
from snn_deploy.export.reference import REFERENCE_KEY, decode
from snn_deploy.manifest import MANIFEST_KEY, OUTPUT_NAME, Manifest


def read_extras(path: "str | Path") -> Dict[str, str]:
    """The extra entries (manifest, reference) of an ONNX, TorchScript or ``.pt2`` artifact."""
    path = Path(path)
    if not path.is_file():
        raise ArtifactError(f"{path}: no such file")
    try:
        if zipfile.is_zipfile(path):
            return zip_extras.read_extras(path)
        return onnx_format.read_extras(path)
    except Exception as error:
        raise ArtifactError(f"{path}: not a readable ONNX, TorchScript or .pt2 artifact ({error})") from None


def read_manifest(path: "str | Path") -> Manifest:
    extras = read_extras(path)
    if MANIFEST_KEY not in extras:
        raise ArtifactError(f"{path}: has no snn_deploy manifest (not exported by snn_deploy)")
    return Manifest.from_json(extras[MANIFEST_KEY], str(path))


def validate_artifact(path: "str | Path") -> Dict[str, Any]:
    """Run the artifact with its stock loader on the inputs recorded at export and compare with
    the eager outputs recorded then; return figures per output or raise a ``ValidationError``."""
    from snn_deploy.export.api import FORMATS

    extras = read_extras(path)
    manifest = read_manifest(path)
    if REFERENCE_KEY not in extras:
        raise ArtifactError(f"{path}: was exported without validation and records no reference to check against")
    recorded = decode(extras[REFERENCE_KEY])
    runner = FORMATS[manifest.format].load(Path(path), aoti=bool(manifest.options.get("aoti")))
    actual = runner([recorded[spec.name] for spec in manifest.inputs])
    names = [spec.name for spec in manifest.outputs]
    time_major = [OUTPUT_NAME] if manifest.mode == "sequence" else []
    return compare(names, actual, [recorded[name] for name in names], time_major)
