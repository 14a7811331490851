"""AOTInductor artifacts (``.pt2``): the exported program compiled to a package (slow: it
compiles C++); the manifest is a file of the package's archive, where ``torch.export.save``
puts extra files. ``torch._inductor.aoti_load_package`` runs it."""

import tempfile
import zipfile
from pathlib import Path
from typing import Dict

import torch

from snn_deploy.errors import ExportError, first_line
from snn_deploy.export.describe import ExportSignature
from snn_deploy.export.program import exported_program

NAME = "aoti"


def build(signature: ExportSignature) -> bytes:
    """The bytes of the AOTInductor package of the exported program."""
    program = exported_program(signature)
    with tempfile.TemporaryDirectory() as directory:
        package = Path(directory) / "model.pt2"
        try:
            torch._inductor.aoti_compile_and_package(program, package_path=str(package))
        except Exception as error:
            raise ExportError(f"AOTInductor compilation failed: {first_line(error)}") from None
        return package.read_bytes()


def add_extras(path: Path, extras: Dict[str, str]) -> None:
    """Add ``extras`` to the AOTInductor package at ``path`` under its root folder's ``extra/``
    (where ``torch.export.save`` puts them), stored uncompressed like the rest."""
    with zipfile.ZipFile(path, "a") as archive:
        root = archive.namelist()[0].split("/", 1)[0]
        for key, value in extras.items():
            archive.writestr(f"{root}/extra/{key}", value)


def save(package: bytes, path: Path, extras: Dict[str, str]) -> None:
    path.write_bytes(package)
    add_extras(path, extras)
