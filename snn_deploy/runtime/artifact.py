"""Recognize an artifact from its bytes and read the manifest of zip-based ones, without torch.

TorchScript and ``.pt2`` files are zip archives: TorchScript has ``<root>/code/``, a
``torch.export`` program ``<root>/models/``, an AOTInductor package ``<root>/data/aotinductor/``.
Anything else is tried as ONNX by the ONNX backend.
"""

import json
import os
import zipfile
import zlib
from dataclasses import dataclass
from typing import Optional

from snn_deploy.errors import ArtifactError
from snn_deploy.manifest import MANIFEST_KEY, Manifest

ONNX, TORCHSCRIPT, PT2, AOTI = "onnx", "torchscript", "pt2", "aoti"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class ArtifactFile:
    """An artifact on disk: its kind, the manifest if zip-based and present, the AOTI device."""

    path: str
    kind: str
    manifest: Optional[Manifest] = None
    aoti_device: Optional[str] = None


def inspect_file(path: str) -> ArtifactFile:
    """Identify ``path``; raise :class:`ArtifactError` for a missing, truncated or foreign file."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ArtifactError(f"{path}: no such artifact file")
    with open(path, "rb") as handle:
        head = handle.read(4)
    if not head:
        raise ArtifactError(f"{path}: the file is empty")
    if head != _ZIP_MAGIC:
        return ArtifactFile(path, ONNX)
    try:
        with zipfile.ZipFile(path) as archive:
            return _inspect_archive(path, archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, json.JSONDecodeError, EOFError, OSError) as error:
        raise ArtifactError(f"{path}: a truncated or corrupted zip archive ({error})") from None


def _inspect_archive(path: str, archive: zipfile.ZipFile) -> ArtifactFile:
    damaged = archive.testzip()
    if damaged is not None:
        raise ArtifactError(f"{path}: a corrupted zip archive (checksum error in {damaged})")
    names = archive.namelist()
    parts = {name.split("/", 2)[1] for name in names if name.count("/") >= 1}
    if any("/data/aotinductor/" in name for name in names):
        kind = AOTI
    elif "models" in parts:
        kind = PT2
    elif "code" in parts and "data.pkl" in parts:
        kind = TORCHSCRIPT
    else:
        raise ArtifactError(f"{path}: a zip archive but not a TorchScript or .pt2 artifact")
    manifest_names = [name for name in names if name.rsplit("/", 1)[-1] == MANIFEST_KEY]
    manifest = None
    if manifest_names:
        text = archive.read(manifest_names[0]).decode("utf-8", errors="replace")
        manifest = Manifest.from_json(text, source=path)
    device = None
    if kind == AOTI:
        device = _aoti_device(archive, names)
    return ArtifactFile(path, kind, manifest, device)


def _aoti_device(archive: zipfile.ZipFile, names) -> Optional[str]:
    for name in names:
        if name.endswith("_metadata.json") and "/data/aotinductor/" in name:
            metadata = json.loads(archive.read(name))
            if "AOTI_DEVICE_KEY" in metadata:
                return metadata["AOTI_DEVICE_KEY"]
    return None
