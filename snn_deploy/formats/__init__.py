"""The artifact formats, defined once for export and runtime, and opening an artifact as data.

=============  ==========  ==================================================================
format         suffixes    what loading it does
=============  ==========  ==================================================================
``onnx``       ``.onnx``   data: onnxruntime builds the graph; safe to open from any source
``torchscript`` ``.ts .pt`` code: ``torch.jit.load`` runs the file's TorchScript and pickles
``pt2``        ``.pt2``    code: ``torch.export.load`` may unpickle weights and constants
``aoti``       ``.pt2``    code: ``aoti_load_package`` loads the package's shared library
=============  ==========  ==================================================================

The format follows the file name's suffix, and the content must match it. :func:`open_artifact`
reads what describes an artifact (manifest, recorded reference, checksum) from the raw bytes,
never unpickling, loading a library or executing anything, and refuses a format that is code
unless the caller says the file is trusted. Torch-free.
"""

import contextlib
import json
import mmap
import os
from dataclasses import dataclass, field, replace
from typing import Dict, Iterator, Optional, Tuple

from snn_deploy.errors import ArtifactError, UntrustedArtifactError
from snn_deploy.formats import onnx_file, zip_file
from snn_deploy.manifest import MANIFEST_KEY, Manifest

_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class ArtifactFormat:
    """One artifact format: its name, file suffixes, and whether loading it runs its code."""

    name: str
    suffixes: Tuple[str, ...]
    is_code: bool
    loader: str

    @property
    def description(self) -> str:
        return f"{self.name} ({'/'.join(self.suffixes)})"


ONNX = ArtifactFormat("onnx", (".onnx",), False, "onnxruntime")
TORCHSCRIPT = ArtifactFormat("torchscript", (".ts", ".pt"), True, "torch.jit.load")
PT2 = ArtifactFormat("pt2", (".pt2",), True, "torch.export.load")
AOTI = ArtifactFormat("aoti", (".pt2",), True, "torch._inductor.aoti_load_package")
FORMATS: Dict[str, ArtifactFormat] = {fmt.name: fmt for fmt in (ONNX, TORCHSCRIPT, PT2, AOTI)}
SUFFIXES = tuple(sorted({suffix for fmt in FORMATS.values() for suffix in fmt.suffixes}))


def format_of_suffix(path: "str | os.PathLike[str]") -> ArtifactFormat:
    """The format a file name's suffix names (``.pt2`` is ``pt2``; the archive tells ``aoti``)."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    for fmt in FORMATS.values():
        if suffix in fmt.suffixes:
            return fmt
    raise ArtifactError(f"{path}: unknown artifact suffix {suffix!r}; artifacts end in {', '.join(SUFFIXES)}")


@dataclass(frozen=True)
class ArtifactFile:
    """An artifact read as data: its format, manifest (``None`` for a plain ONNX file), extra
    entries, where an ONNX file's checksum record lies, and an AOTI package's device."""

    path: str
    format: ArtifactFormat
    manifest: Optional[Manifest]
    extras: Dict[str, str] = field(repr=False)
    checksum: Optional[onnx_file.Checksum] = None
    checksum_verified: bool = False
    aoti_device: Optional[str] = None
    file_bytes: int = 0

    @property
    def kind(self) -> str:
        return self.format.name

    def verify_checksum(self) -> bool:
        """Hash the ONNX file's bytes and compare with the recorded checksum (an
        :class:`ArtifactError` if they differ); False if the file records none."""
        if self.checksum is None:
            return False
        with _mapped(self.path, self.file_bytes) as data:
            onnx_file.verify(data, self.checksum, self.path)
        return True


def trust_message(path: str, fmt: ArtifactFormat) -> str:
    return (
        f"{path}: a {fmt.name} artifact is a program, not data: opening it with {fmt.loader} can run any "
        f"code the file carries. Open only files from sources you trust, with trusted=True (command "
        f"line: --trust); ONNX artifacts are data and safe to open from anywhere"
    )


def open_artifact(path: "str | os.PathLike[str]", trusted: bool = False, verify_checksum: bool = True) -> ArtifactFile:
    """:func:`read_artifact`, then :class:`UntrustedArtifactError` for a format that is code
    when ``trusted`` is false (after the checks: reading never runs anything)."""
    artifact = read_artifact(path, verify_checksum)
    if artifact.format.is_code and not trusted:
        raise UntrustedArtifactError(trust_message(artifact.path, artifact.format))
    return artifact


def read_artifact(path: "str | os.PathLike[str]", verify_checksum: bool = True) -> ArtifactFile:
    """Read and check the artifact at ``path`` as data (manifest, extras, zip CRCs, and with
    ``verify_checksum`` an ONNX file's checksum, else the caller runs
    :meth:`ArtifactFile.verify_checksum`); :class:`ArtifactError` for a missing, damaged or
    mismatched file."""
    path = os.fspath(path)
    fmt = format_of_suffix(path)
    if not os.path.isfile(path):
        raise ArtifactError(f"{path}: no such file")
    size = os.path.getsize(path)
    if size == 0:
        raise ArtifactError(f"{path}: the file is empty")
    with open(path, "rb") as handle:
        head = handle.read(4)
    is_zip = head == _ZIP_MAGIC
    if fmt is ONNX:
        if is_zip:
            raise ArtifactError(f"{path}: named .onnx but holds a zip archive (TorchScript or .pt2 content); refused")
        artifact = _open_onnx(path, size, verify_checksum)
    else:
        if not is_zip:
            raise ArtifactError(f"{path}: a {fmt.description} artifact must be a zip archive; this file is not one")
        artifact = _open_zip(path, fmt, size)
    return artifact


def read_manifest(path: "str | os.PathLike[str]") -> Manifest:
    """The manifest of an artifact of any format, read as data (never executed)."""
    manifest = read_artifact(path).manifest
    if manifest is None:
        raise ArtifactError(f"{os.fspath(path)}: has no snn_deploy manifest (not exported by snn_deploy)")
    return manifest


@contextlib.contextmanager
def _mapped(path: str, size: int) -> Iterator[mmap.mmap]:
    """The file's bytes, memory-mapped read-only (no copy)."""
    with open(path, "rb") as handle:
        try:
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as error:
            raise ArtifactError(f"{path}: cannot read the file ({error})") from None
    with data:
        if len(data) != size:
            raise ArtifactError(f"{path}: the file changed while it was read")
        yield data


def _open_onnx(path: str, size: int, verify_checksum: bool) -> ArtifactFile:
    with _mapped(path, size) as data:
        metadata = onnx_file.read_metadata(data, path)
    artifact = ArtifactFile(path, ONNX, None, metadata.entries, metadata.checksum, False, None, size)
    if MANIFEST_KEY not in metadata.entries:
        return replace(artifact, checksum_verified=verify_checksum and artifact.verify_checksum())
    if metadata.checksum is None:
        raise ArtifactError(f"{path}: an snn_deploy manifest without the checksum recorded at export: damaged")
    try:
        manifest = Manifest.from_json(metadata.entries[MANIFEST_KEY], path)
        _check_format(path, manifest, ONNX)
    except ArtifactError:
        artifact.verify_checksum()  # a damaged file: say so rather than what the damage broke
        raise
    return replace(artifact, manifest=manifest, checksum_verified=verify_checksum and artifact.verify_checksum())


def _open_zip(path: str, fmt: ArtifactFormat, size: int) -> ArtifactFile:
    contents = zip_file.read_zip(path, size, path)
    parts = contents.parts
    if contents.is_aoti:
        found = AOTI
    elif "models" in parts:
        found = PT2
    elif "code" in parts and "data.pkl" in parts:
        found = TORCHSCRIPT
    else:
        raise ArtifactError(f"{path}: a zip archive but not a TorchScript or .pt2 artifact")
    if fmt.suffixes != found.suffixes:
        raise ArtifactError(f"{path}: named {fmt.description} but holds a {found.name} archive; refused")
    if MANIFEST_KEY not in contents.extras:
        raise ArtifactError(f"{path}: a {found.name} file without an snn_deploy manifest")
    manifest = Manifest.from_json(contents.extras[MANIFEST_KEY], path)
    _check_format(path, manifest, found)
    device = _aoti_device(contents.aoti_metadata, path) if found is AOTI else None
    return ArtifactFile(path, found, manifest, contents.extras, None, False, device, size)


def manifest_format(manifest: Manifest, source: str = "artifact") -> ArtifactFormat:
    """The format a manifest records. AOTInductor packages record ``aoti``; those written before
    it was a format of its own record ``pt2`` with the option ``aoti`` (still read)."""
    name = "aoti" if manifest.format == "pt2" and manifest.options.get("aoti") else manifest.format
    if name not in FORMATS:
        raise ArtifactError(
            f"{source}: manifest field 'format' is {manifest.format!r}, not one of {', '.join(FORMATS)}"
        )
    return FORMATS[name]


def _check_format(path: str, manifest: Manifest, found: ArtifactFormat) -> None:
    if manifest_format(manifest, path) is not found:
        raise ArtifactError(f"{path}: the manifest says format {manifest.format!r}, the file is {found.name}")


def _aoti_device(text: Optional[str], path: str) -> Optional[str]:
    if text is None:
        return None
    try:
        device = json.loads(text).get("AOTI_DEVICE_KEY")
    except (ValueError, AttributeError, RecursionError):
        raise ArtifactError(f"{path}: the AOTInductor metadata is not valid JSON") from None
    return device if isinstance(device, str) else None
