"""Artifacts shared by the runtime tests, written by snn_deploy.export once per test session."""

from pathlib import Path
from typing import Dict, Tuple

import torch
from torch import nn

import snn_deploy as snn
from snn_deploy.export import to_onnx, to_pt2, to_torchscript

T = 4
FEATURES = 5
FORMATS = {
    "onnx": (".onnx", to_onnx, {}),
    "torchscript": (".ts", to_torchscript, {}),
    "pt2": (".pt2", to_pt2, {}),
    "aoti": (".pt2", to_pt2, {"aoti": True}),
}


def make_model() -> nn.Module:
    """Two LIF layers with weights, so states are nested (``1.v``, ``3.i``) and the output is spikes."""
    torch.manual_seed(0)
    p = snn.LIFParameters(v_th=torch.tensor(0.2))
    return snn.SequentialState(nn.Linear(FEATURES, 8), snn.LIF(p), nn.Linear(8, 3), snn.LIF(p)).eval()


def inputs(length: int, batch: int, seed: int = 1) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(length, batch, FEATURES, generator=generator)


def eager(model: nn.Module, x: torch.Tensor) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
    from snn_deploy.state import named_tensors

    with torch.no_grad():
        output, state = model(x)
    return output, dict(named_tensors(state))


class Artifacts:
    """Export each format and mode of one model on first use, into one folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.model = make_model()
        self.paths: Dict[Tuple[str, str], Path] = {}

    def path(self, fmt: str, mode: str) -> Path:
        key = (fmt, mode)
        if key not in self.paths:
            suffix, exporter, options = FORMATS[fmt]
            path = self.folder / f"{fmt}_{mode}{suffix}"
            example = inputs(T, 2) if mode == "sequence" else inputs(1, 2)[0]
            exporter(self.model, example, path, step=mode == "step", **options)
            self.paths[key] = path
        return self.paths[key]
