"""Backends: how a workload's model runs as a whole sequence and as a stream of single steps.

Each backend turns ``(model, example, workdir)`` into a :class:`Runner`: ``run(x)`` processes a
whole ``(T, B, ...)`` input; ``stream(batch)`` returns a function that processes one ``(B, ...)``
step with its state carried. Artifact backends export with :mod:`snn_deploy.export` and run
through :mod:`snn_deploy.runtime`, exactly as a deployment would.
"""

import copy
import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

import torch
from torch import Tensor, nn

from snn_deploy import export, runtime
from snn_deploy.benchmarks.timing import measure
from snn_deploy.compile import compile_model

StepFunction = Callable[[Any], Any]
# Input bytes per compiled chunk, the middle candidate of the measured choice. Chunks of about
# 4 MiB of input (4 steps of W1, 16 of W2) fuse into one kernel per layer whose memory streams
# the prefetchers follow; a smaller input (W3: 32 KiB a step) runs whole, as chunking its matrix
# products only adds calls. Which neighbour is fastest varies between runs (2-core CPU, W1:
# 41-45 ms at 4 steps, 45-63 ms at 8 or 16), so the bench times the candidates and keeps the best.
COMPILE_CHUNK_BYTES = 4 * 2**20
CHUNK_TRIAL_REPEATS = 3


def compile_time_chunk(example: Tensor) -> int:
    """Steps per compiled chunk for a ``(T, B, ...)`` input: ``COMPILE_CHUNK_BYTES`` of it."""
    step_bytes = example[0].numel() * example.element_size()
    return max(1, COMPILE_CHUNK_BYTES // step_bytes)


def time_chunk_candidates(example: Tensor) -> List[int]:
    """The chunk sizes the bench times for a ``(T, B, ...)`` input: half, once and twice
    :func:`compile_time_chunk`, each at most T (so a short sequence also tries running whole)."""
    steps = example.shape[0]
    middle = min(compile_time_chunk(example), steps)
    return sorted({max(1, middle // 2), middle, min(steps, 2 * middle)})


@dataclass
class Runner:
    """``run(x)`` for a whole sequence; ``stream(batch)`` gives a per-step function (or None);
    ``prepare_seconds`` is the time spent compiling or exporting; ``details`` what a build chose
    (recorded with the result)."""

    run: Optional[Callable[[Any], Any]]
    stream: Optional[Callable[[int], StepFunction]]
    prepare_seconds: float
    to_input: Callable[[Tensor], Any] = lambda x: x
    details: Dict[str, Any] = field(default_factory=dict)


def _module_stream(module: Callable) -> Callable[[int], StepFunction]:
    def start(batch: int) -> StepFunction:
        state = [None]

        def step(x_t: Tensor) -> Tensor:
            output, state[0] = module(x_t.unsqueeze(0), state[0])
            return output

        return step

    return start


def eager(model: nn.Module, example: Tensor, workdir: Path) -> Runner:
    return Runner(run=model, stream=_module_stream(model), prepare_seconds=0.0)


def fastest_choice(
    build: Callable[[int], Callable[[Any], Any]],
    candidates: Iterable[int],
    example: Any,
    repeats: int = CHUNK_TRIAL_REPEATS,
) -> Tuple[int, Callable[[Any], Any], Dict[str, Dict[int, float]]]:
    """Build each candidate's function (``build(k)``), call it on ``example`` once (compiling
    it), time it briefly and keep the fastest:
    ``(k, its function, {"trial_ms": {k: median ms}, "prepare_s": {k: build and first call s}})``."""
    best: Optional[Tuple[float, int, Callable[[Any], Any]]] = None
    trials: Dict[str, Dict[int, float]] = {"trial_ms": {}, "prepare_s": {}}
    for candidate in candidates:
        start = time.perf_counter()
        function = build(candidate)
        function(example)
        trials["prepare_s"][candidate] = time.perf_counter() - start
        median = measure(functools.partial(function, example), repeats=repeats, warmup=1).median
        trials["trial_ms"][candidate] = median * 1e3
        if best is None or median < best[0]:
            best = (median, candidate, function)
    if best is None:
        raise ValueError("fastest_choice: no candidates")
    return best[1], best[2], trials


def compiled(model: nn.Module, example: Tensor, workdir: Path) -> Runner:
    """:func:`snn_deploy.compile_model` with the time loop fused in chunks and channels-last
    convolutions; the chunk size is the fastest of :func:`time_chunk_candidates` on ``example``,
    timed briefly here (the choice, the trial times and each candidate's compile time go into
    ``details``); ``prepare_seconds`` is the chosen one's compile time (its first call)."""

    def build(time_chunk: int) -> nn.Module:
        return compile_model(copy.deepcopy(model), time_chunk=time_chunk, channels_last=True, dynamic=False)

    time_chunk, sequence, trials = fastest_choice(build, time_chunk_candidates(example), example)
    stepper = compile_model(model, dynamic=False)
    return Runner(
        run=sequence,
        stream=_module_stream(stepper),
        prepare_seconds=trials["prepare_s"][time_chunk],
        details={
            "time_chunk": time_chunk,
            "time_chunk_trial_ms": trials["trial_ms"],
            "time_chunk_prepare_s": trials["prepare_s"],
        },
    )


def torchscript(model: nn.Module, example: Tensor, workdir: Path) -> Runner:
    start = time.perf_counter()
    scripted = torch.jit.freeze(torch.jit.script(model.eval()))
    scripted(example)
    return Runner(run=scripted, stream=None, prepare_seconds=time.perf_counter() - start)


def _artifact_backend(exporter: Callable, suffix: str, numpy_io: bool, **options: Any) -> Callable:
    """Export the sequence and step artifacts and serve them through :func:`runtime.load`: on the
    example's device for torch artifacts, on the CPU with numpy arrays for ``numpy_io`` (ONNX:
    onnxruntime's CPU build is the one a serving host has)."""

    def build(model: nn.Module, example: Tensor, workdir: Path) -> Runner:
        start = time.perf_counter()
        sequence_path = workdir / f"sequence{suffix}"
        step_path = workdir / f"step{suffix}"
        exporter(model, example, sequence_path, overwrite=True, validate=False, **options)
        exporter(model, example[0], step_path, step=True, overwrite=True, validate=False, **options)
        seconds = time.perf_counter() - start
        device = "cpu" if numpy_io else str(example.device)
        threads = torch.get_num_threads()
        session = runtime.load(sequence_path, device, threads=threads, trusted=True)  # written just above
        step_session = runtime.load(step_path, device, threads=threads, trusted=True)

        def run(x: Any) -> Any:
            return session.run(x)

        def stream(batch: int) -> StepFunction:
            return step_session.stream(batch).step

        convert = (lambda x: x.cpu().numpy()) if numpy_io else (lambda x: x)
        return Runner(run=run, stream=stream, prepare_seconds=seconds, to_input=convert)

    return build


BACKENDS: Dict[str, Callable[[nn.Module, Tensor, Path], Runner]] = {
    "eager": eager,
    "compile": compiled,
    "torchscript": torchscript,
    "onnxruntime": _artifact_backend(export.to_onnx, ".onnx", numpy_io=True),
    "torchscript-artifact": _artifact_backend(export.to_torchscript, ".ts", numpy_io=False),
    "pt2": _artifact_backend(export.to_pt2, ".pt2", numpy_io=False),
}
SLOW_BACKENDS = {"aoti": _artifact_backend(export.to_pt2, ".aoti.pt2", numpy_io=False, aoti=True)}
