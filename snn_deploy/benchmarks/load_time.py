"""``runtime.load`` time per format, and the share of it spent checking the file.

The model is one ``Lift(Linear(n, n))`` and a LIF layer in step mode, with ``n`` chosen for a
weight of about ``megabytes`` MB. Per format:

* ``load``: :func:`snn_deploy.runtime.load`, everything included;
* ``unchecked``: only building the backend from an already read artifact, its ONNX checksum
  skipped (what ``load`` would cost without any check);
* ``checks``: :func:`snn_deploy.formats.read_artifact` alone: for ONNX the walk of the top-level
  protobuf records and the CRC-32 of the file's bytes (which ``load`` runs beside
  onnxruntime's session build), for the zip formats the size limits and every entry's CRC-32.

The checks' share of ``load`` is ``(load - unchecked) / load``: what they add to it.
"""

import statistics
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Dict, Iterator, List

import torch

import snn_deploy as snn
from snn_deploy import runtime
from snn_deploy.export import to_onnx, to_pt2, to_torchscript
from snn_deploy.formats import read_artifact
from snn_deploy.runtime.backend import open_backend

EXPORTERS = {"onnx": (".onnx", to_onnx), "torchscript": (".ts", to_torchscript), "pt2": (".pt2", to_pt2)}


@dataclass
class LoadResult:
    artifact: str
    file_mb: float
    load_ms: float
    unchecked_ms: float
    checks_ms: float
    kind: str = "load"

    @property
    def checks_share(self) -> float:
        return max(self.load_ms - self.unchecked_ms, 0.0) / self.load_ms


def _median_ms(calls: Dict[str, Callable[[], object]], repeats: int) -> Dict[str, float]:
    """Median milliseconds of each call, the calls interleaved so that load on a shared machine
    affects them alike."""
    times: Dict[str, List[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return {name: 1e3 * statistics.median(values) for name, values in times.items()}


def load_times(megabytes: float = 50.0, repeats: int = 9) -> Iterator[LoadResult]:
    """Export the model in each format and time ``load`` and the checks, ``repeats`` times each."""
    features = int((megabytes * 1e6 / 4) ** 0.5)
    torch.manual_seed(0)
    model = snn.SequentialState(snn.Lift(torch.nn.Linear(features, features)), snn.LIF()).eval()
    example = torch.rand(2, features)
    with tempfile.TemporaryDirectory() as directory:
        for name, (suffix, exporter) in EXPORTERS.items():
            path = Path(directory) / f"model{suffix}"
            exporter(model, example, path, step=True, validate=False)
            trusted = name != "onnx"
            unchecked = replace(read_artifact(path, verify_checksum=False), checksum=None)
            ms = _median_ms(
                {
                    "load": lambda: runtime.load(path, trusted=trusted),  # noqa: B023
                    "unchecked": lambda: open_backend(unchecked, "cpu", None, None, True),  # noqa: B023
                    "checks": lambda: read_artifact(path),  # noqa: B023
                },
                repeats,
            )
            yield LoadResult(name, path.stat().st_size / 1e6, ms["load"], ms["unchecked"], ms["checks"])


LOAD_TABLE_HEADER = (
    f"{'artifact':<12}  {'file MB':>8}  {'load ms':>8}  {'unchecked ms':>12}  {'checks alone ms':>15}  {'share':>6}"
)


def format_load_row(result: LoadResult) -> str:
    return (
        f"{result.artifact:<12}  {result.file_mb:>8.1f}  {result.load_ms:>8.1f}  {result.unchecked_ms:>12.1f}  "
        f"{result.checks_ms:>15.1f}  {100 * result.checks_share:>5.1f}%"
    )
