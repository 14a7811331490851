"""Export time and file size of ONNX artifacts against T (a benchmark, not a test).

Sequence mode unrolls the time loop, so its graph, export time and file grow with T; step mode
holds one step, whatever T is. Run: ``.venv/bin/python bench/export_scaling.py [T ...]``.
Validation is off (it is timed by the export tests); the reference is then not recorded either.
"""

import sys
import tempfile
import time
from pathlib import Path

import torch
from torch import nn

import snn_deploy as snn
from snn_deploy.export import to_onnx


def network() -> nn.Module:
    torch.manual_seed(0)
    return snn.SequentialState(snn.Lift(nn.Linear(16, 32)), snn.LIFRecurrent(32, 32), snn.LI()).eval()


def measure(example: torch.Tensor, step: bool, directory: Path) -> str:
    path = directory / f"{'step' if step else 'sequence'}-{example.shape[0]}.onnx"
    start = time.perf_counter()
    report = to_onnx(network(), example, path, step=step, validate=False)
    seconds = time.perf_counter() - start
    return f"{seconds:8.2f} s {report.file_bytes / 1e6:9.3f} MB"


def main(time_steps: list) -> None:
    print(f"{'artifact':>22} {'export':>10} {'file':>12}")
    with tempfile.TemporaryDirectory() as directory:
        for steps in time_steps:
            example = 30.0 * torch.rand(steps, 2, 16)
            print(f"{'sequence T=' + str(steps):>22} {measure(example, False, Path(directory))}")
            print(f"{'step (from T=' + str(steps) + ')':>22} {measure(example[0], True, Path(directory))}")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [16, 256, 1024])
