"""``.pt2`` artifacts: ``torch.export.save`` of the exported program, or (``aoti=True``) an
AOTInductor package; the manifest is an extra file of the archive in both."""

import tempfile
import zipfile
from pathlib import Path
from typing import Any, Callable, Dict, List

import numpy as np
import torch

from snn_deploy.errors import ExportError
from snn_deploy.export.describe import ExportSignature

NAME = "pt2"


def build(program: torch.export.ExportedProgram, signature: ExportSignature, aoti: bool = False) -> Any:
    """The program itself, or the bytes of its AOTInductor package (compiled here, slow)."""
    if not aoti:
        return program
    with tempfile.TemporaryDirectory() as directory:
        package = Path(directory) / "model.pt2"
        try:
            torch._inductor.aoti_compile_and_package(program, package_path=str(package))
        except Exception as error:
            raise ExportError(f"AOTInductor compilation failed: {error}") from None
        return package.read_bytes()


def add_extras(path: Path, extras: Dict[str, str]) -> None:
    """Add ``extras`` to the AOTInductor package at ``path`` under its root folder's ``extra/``
    (where ``torch.export.save`` puts them), stored uncompressed like the rest."""
    with zipfile.ZipFile(path, "a") as archive:
        root = archive.namelist()[0].split("/", 1)[0]
        for key, value in extras.items():
            archive.writestr(f"{root}/extra/{key}", value)


def save(built: Any, path: Path, extras: Dict[str, str]) -> None:
    if isinstance(built, bytes):
        path.write_bytes(built)
        add_extras(path, extras)
    else:
        torch.export.save(built, str(path), extra_files=extras)


def load(path: Path, aoti: bool = False) -> Callable[[List[np.ndarray]], List[np.ndarray]]:
    if aoti:
        module = torch._inductor.aoti_load_package(str(path))
    else:
        module = torch.export.load(str(path)).module()
    return lambda arrays: [tensor.detach().numpy() for tensor in module(*[torch.from_numpy(a) for a in arrays])]
