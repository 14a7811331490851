"""Extra files inside the zip archives of TorchScript and ``.pt2`` artifacts, read without torch.

``torch.jit.save`` and ``torch.export.save`` store an extra file ``KEY`` as ``<root>/extra/KEY``;
AOTInductor packages get theirs added the same way."""

import zipfile
from pathlib import Path
from typing import Dict


def read_extras(path: Path) -> Dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {
            name.split("/extra/", 1)[1]: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if "/extra/" in name and name.count("/") == 2
        }


def add_extras(path: Path, extras: Dict[str, str]) -> None:
    """Add ``extras`` to the zip archive at ``path`` under its root folder's ``extra/``."""
    with zipfile.ZipFile(path, "a") as archive:
        root = archive.namelist()[0].split("/", 1)[0]
        for key, value in extras.items():
            archive.writestr(f"{root}/extra/{key}", value)
