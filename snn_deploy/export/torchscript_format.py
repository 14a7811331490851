"""TorchScript artifacts: a trace of the flat boundary module (tensors in, tensors out);
manifest as an extra file of ``torch.jit.save``. ``torch.jit.load`` runs it."""

import warnings
from pathlib import Path
from typing import Dict

import torch

from snn_deploy.export.describe import ExportSignature

NAME = "torchscript"


def build(signature: ExportSignature) -> torch.jit.ScriptModule:
    """Trace the flat boundary module (tensors in, tensors out); the tracer records the batch
    size as ``aten::size`` of the inputs, so it stays dynamic."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.jit.trace(signature.boundary, signature.trace_args, check_trace=False)


def save(module: torch.jit.ScriptModule, path: Path, extras: Dict[str, str]) -> None:
    torch.jit.save(module, str(path), _extra_files=extras)
