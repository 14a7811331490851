"""Read the zip archives of TorchScript and ``.pt2`` artifacts as data: names, sizes and the
extra files, with limits, never unpickling or loading anything.

``torch.jit.save`` and ``torch.export.save`` store an extra file ``KEY`` as ``<root>/extra/KEY``;
AOTInductor packages get theirs added the same way. torch stores entries uncompressed, so an
archive that declares far more bytes than it holds is refused before anything is read (a
decompression bomb), and each entry is read no further than its declared size.
"""

import zipfile
import zlib
from dataclasses import dataclass
from typing import Dict, List, Optional

from snn_deploy.errors import ArtifactError

MAX_EXTRA_BYTES = 256 << 20  # one extra file (the manifest, the recorded reference)
MAX_ENTRIES = 100_000
_SLACK_BYTES = 16 << 20  # what compressed entries may add beyond the archive's own size
_ENCRYPTED_FLAG = 0x1  # bit 0 of a zip entry's general-purpose flags
_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)


@dataclass(frozen=True)
class ZipContents:
    """The entry names of an archive, its extra files and the device of an AOTInductor package."""

    names: List[str]
    extras: Dict[str, str]
    aoti_metadata: Optional[str] = None

    @property
    def parts(self) -> set:
        """The second path component of every entry (``code``, ``models``, ``data``...)."""
        return {name.split("/", 2)[1] for name in self.names if name.count("/") >= 1}

    @property
    def is_aoti(self) -> bool:
        return any("/data/aotinductor/" in name for name in self.names)


def _check_sizes(archive: zipfile.ZipFile, file_bytes: int, what: str) -> None:
    items = archive.infolist()
    if len(items) > MAX_ENTRIES:
        raise ArtifactError(f"{what}: {len(items)} zip entries, more than the {MAX_ENTRIES} an artifact may have")
    encrypted = [item.filename for item in items if item.flag_bits & _ENCRYPTED_FLAG]
    if encrypted:
        raise ArtifactError(f"{what}: zip entry {encrypted[0]!r} is marked encrypted, which no artifact is: corrupted")
    declared = sum(item.file_size for item in items)
    if declared > 2 * file_bytes + _SLACK_BYTES:
        raise ArtifactError(
            f"{what}: the zip archive declares {declared} bytes of content in a {file_bytes}-byte file; "
            "refused as a decompression bomb"
        )


def _read_entry(archive: zipfile.ZipFile, item: zipfile.ZipInfo, limit: int, what: str) -> bytes:
    if item.file_size > limit:
        raise ArtifactError(f"{what}: zip entry {item.filename!r} holds {item.file_size} bytes, over the {limit} limit")
    with archive.open(item) as handle:
        data = handle.read(limit + 1)
    if len(data) != item.file_size:
        raise ArtifactError(f"{what}: zip entry {item.filename!r} is not the size it declares: corrupted")
    return data


def _check_entry(archive: zipfile.ZipFile, item: zipfile.ZipInfo, what: str) -> None:
    """Read the entry through to its end in chunks: zipfile then checks its CRC-32."""
    size = 0
    with archive.open(item) as handle:
        while chunk := handle.read(1 << 20):
            size += len(chunk)
    if size != item.file_size:
        raise ArtifactError(f"{what}: zip entry {item.filename!r} is not the size it declares: corrupted")


def read_zip(path: str, file_bytes: int, what: str, check_all: bool = True) -> ZipContents:
    """Names and extra files of the archive at ``path``; with ``check_all``, every entry's CRC is
    checked too (bounded by the size check), so a flipped byte never reaches torch's loader."""
    try:
        with zipfile.ZipFile(path) as archive:
            _check_sizes(archive, file_bytes, what)
            items = archive.infolist()
            extras: Dict[str, str] = {}
            aoti_metadata = None
            for item in items:
                name = item.filename
                if "/extra/" in name and name.count("/") == 2:
                    text = _read_entry(archive, item, MAX_EXTRA_BYTES, what)
                    extras[name.split("/extra/", 1)[1]] = text.decode("utf-8")
                elif "/data/aotinductor/" in name and name.endswith("_metadata.json"):
                    aoti_metadata = _read_entry(archive, item, MAX_EXTRA_BYTES, what).decode("utf-8")
                elif check_all:
                    _check_entry(archive, item, what)
            return ZipContents([item.filename for item in items], extras, aoti_metadata)
    except ArtifactError:
        raise
    except UnicodeDecodeError as error:
        raise ArtifactError(f"{what}: an extra file is not valid UTF-8 ({error.reason})") from None
    except _ERRORS as error:
        raise ArtifactError(f"{what}: a truncated or corrupted zip archive ({error})") from None


def root_folder(names: List[str]) -> Optional[str]:
    return names[0].split("/", 1)[0] if names and "/" in names[0] else None
