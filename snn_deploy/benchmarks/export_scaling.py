"""Export time and file size of ONNX artifacts against the number of time steps T.

A sequence artifact unrolls the time loop, so its graph, export time and file grow with T; a step
artifact holds one step, whatever T is. The network is a small recurrent SNN (``Lift(Linear)`` →
``LIFRecurrent`` → ``LI``); validation is off, as it is timed by the export tests.
"""

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import torch
from torch import nn

import snn_deploy as snn
from snn_deploy.export import to_onnx


@dataclass
class ExportResult:
    artifact: str
    time_steps: int
    export_s: float
    file_mb: float


def network() -> nn.Module:
    torch.manual_seed(0)
    return snn.SequentialState(snn.Lift(nn.Linear(16, 32)), snn.LIFRecurrent(32, 32), snn.LI()).eval()


def _export(example: torch.Tensor, time_steps: int, step: bool, path: Path) -> ExportResult:
    start = time.perf_counter()
    report = to_onnx(network(), example, path, step=step, validate=False)
    artifact = "onnx step" if step else "onnx sequence"
    return ExportResult(artifact, time_steps, time.perf_counter() - start, report.file_bytes / 1e6)


def export_scaling(time_steps: Iterable[int]) -> Iterator[ExportResult]:
    """Export a sequence artifact for every T of ``time_steps``, and a step artifact beside each
    (recorded under the same T); results come as each export ends."""
    with tempfile.TemporaryDirectory() as directory:
        for steps in time_steps:
            example = 30.0 * torch.rand(steps, 2, 16)
            yield _export(example, steps, False, Path(directory) / f"sequence-{steps}.onnx")
            yield _export(example[0], steps, True, Path(directory) / f"step-{steps}.onnx")


EXPORT_TABLE_HEADER = f"{'artifact':<14}  {'T':>5}  {'export s':>9}  {'file MB':>9}"


def format_export_row(result: ExportResult) -> str:
    return f"{result.artifact:<14}  {result.time_steps:>5}  {result.export_s:>9.2f}  {result.file_mb:>9.3f}"
