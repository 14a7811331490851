"""``.pt2`` artifacts: ``torch.export.save`` of the exported program; the manifest is an extra
file of the archive. ``torch.export.load`` runs it."""

from pathlib import Path
from typing import Dict

import torch

from snn_deploy.export.describe import ExportSignature
from snn_deploy.export.program import exported_program

NAME = "pt2"


def build(signature: ExportSignature) -> torch.export.ExportedProgram:
    return exported_program(signature)


def save(program: torch.export.ExportedProgram, path: Path, extras: Dict[str, str]) -> None:
    torch.export.save(program, str(path), extra_files=extras)
