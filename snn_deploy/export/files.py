"""Atomic artifact writes: a temporary file in the target's directory, renamed into place."""

import contextlib
import os
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


@contextlib.contextmanager
def atomic_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` (same suffix, which some loaders insist on); on success rename it to ``target``, on any
    exception remove it, so no partial artifact is ever left at ``target``."""
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=f".tmp{target.suffix}")
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror}") from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()
