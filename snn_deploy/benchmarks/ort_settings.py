"""W4's step artifact in onnxruntime under each graph optimization level and thread count, so a
run shows which settings a batch-1 stream should use (the runtime's default is level ``all`` and
onnxruntime's default thread count, one per physical core).

Each setting is its own ``InferenceSession`` of the same file, stepped with its state carried
(outputs fed back as inputs), timed one step per call; settings are timed in turns, round by
round, so drifts of a noisy machine reach all of them alike.
"""

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import numpy as np
import torch
from torch import Tensor, nn

from snn_deploy.benchmarks.ort_session import carried_step, onnxruntime_session
from snn_deploy.export import to_onnx

LEVELS = ("basic", "extended", "all")


@dataclass
class SettingResult:
    """One onnxruntime setting's step latency (µs) on W4's step artifact."""

    workload: str
    level: str
    threads: int
    median_us: float
    p99_us: float
    kind: str = "ort_setting"


def carried_stepper(path: Path, level: str, threads: int) -> Callable[[np.ndarray], Any]:
    """A step function over an onnxruntime session of ``path`` at ``level`` and ``threads``,
    its state carried from step to step (starting from zeros)."""
    session = onnxruntime_session(str(path), threads=threads, level=level)
    ports = session.get_inputs()[1:]
    return carried_step(
        session, [np.zeros([1 if isinstance(size, str) else size for size in port.shape], np.float32) for port in ports]
    )


def settings_table(
    model: nn.Module, x: Tensor, workdir: Path, thread_counts: Tuple[int, ...], rounds: int = 5
) -> List[SettingResult]:
    """Export ``model``'s step for ``x`` (``(T, 1, ...)``), then time every level and thread
    count: ``rounds`` rounds, each stepping every setting through all T steps of ``x``."""
    path = workdir / "w4_step_settings.onnx"
    to_onnx(model, x[0], path, step=True, overwrite=True, validate=False)
    steppers = {
        (level, threads): carried_stepper(path, level, threads) for level in LEVELS for threads in thread_counts
    }
    inputs = [x_t.numpy() for x_t in x.cpu()]
    latencies: Dict[Tuple[str, int], List[float]] = {setting: [] for setting in steppers}
    for _ in range(rounds):
        for setting, step in steppers.items():
            for x_t in inputs[:10]:
                step(x_t)
            for x_t in inputs:
                start = time.perf_counter()
                step(x_t)
                latencies[setting].append(time.perf_counter() - start)
    return [
        SettingResult("W4", level, threads, float(np.median(seconds)) * 1e6, float(np.percentile(seconds, 99)) * 1e6)
        for (level, threads), seconds in latencies.items()
    ]


def default_thread_counts() -> Tuple[int, ...]:
    """One thread, and torch's count (one per core) where that is more."""
    return tuple(sorted({1, torch.get_num_threads()}))


def format_settings_table(results: List[SettingResult]) -> str:
    """One row per setting, then the fastest by median."""
    header = ("level", "threads", "median us", "p99 us")
    rows = [(r.level, str(r.threads), f"{r.median_us:.0f}", f"{r.p99_us:.0f}") for r in results]
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in [header, *rows]]
    best = min(results, key=lambda r: r.median_us)
    return "\n".join([*lines, f"fastest: level {best.level}, {best.threads} thread(s)"])
