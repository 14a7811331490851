"""Artifact writes that never leave a partial file and never replace one they may not.

The artifact is written under its own name in a fresh private folder beside the target (so the
name a format stores inside its archive is the target's, never a temporary one, and the file's
mode follows the umask like any file the user creates), then moved into place: with
``overwrite=False`` by a hard link, which fails if a file appeared at the target meanwhile
(``O_EXCL`` where the file system has no hard links); with ``overwrite=True`` by ``os.replace``.
"""

import contextlib
import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from snn_deploy.errors import ExportError


def check_target(path: "os.PathLike[str] | str", overwrite: bool) -> Path:
    """The target path, or an :class:`ExportError` if it cannot or may not be written."""
    target = Path(path)
    directory = target.parent
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a directory")
    if target.exists() and not overwrite:
        raise ExportError(f"{target} already exists; pass overwrite=True (--overwrite) to replace it")
    if not directory.is_dir():
        raise ExportError(f"cannot write {target}: directory {directory} does not exist")
    if not os.access(directory, os.W_OK):
        raise ExportError(f"cannot write {target}: directory {directory} is not writable")
    return target


def _exists_error(target: Path) -> ExportError:
    return ExportError(f"{target} appeared while exporting; not replaced (pass overwrite=True to replace it)")


def _place(written: Path, target: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(written, target)
        return
    try:
        os.link(written, target)
    except FileExistsError:
        raise _exists_error(target) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            raise _exists_error(target) from None
        os.replace(written, target)  # onto the empty file this call created


@contextlib.contextmanager
def atomic_file(target: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield the path to write (``target``'s name in a private folder beside it); on success
    move it to ``target`` (see the module docstring), on any exception remove it."""
    try:
        folder = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror}") from None
    try:
        written = folder / target.name
        yield written
        _place(written, target, overwrite)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
