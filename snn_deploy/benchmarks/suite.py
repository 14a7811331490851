"""Run the workloads on the backends, print a table and append JSON lines to a results file.

Every figure is a median (and p99) of repeated calls after warm-up; ratios compare backends
measured in the same run, since absolute times hold only for the machine and the moment.
"""

import functools
import json
import math
import platform
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence

import numpy as np
import torch

import snn_deploy
from snn_deploy.benchmarks.backends import BACKENDS, SLOW_BACKENDS, Runner, StepFunction
from snn_deploy.benchmarks.comparators import comparator_models, comparator_versions
from snn_deploy.benchmarks.peer_paths import PEER_PATHS
from snn_deploy.benchmarks.timing import Timing, measure
from snn_deploy.benchmarks.workloads import Workload, workloads

TRAINING_BACKENDS = ("eager", "compile")  # a training step runs as the model is, or under torch.compile


@dataclass
class Result:
    workload: str
    backend: str
    shape: str
    median_ms: float
    p99_ms: float
    rate: float
    unit: str
    prepare_s: float
    ratio_to_eager: Optional[float] = None
    ratio_to_floor: Optional[float] = None
    ratio_to_best_peer: Optional[float] = None
    peer: Optional[str] = None  # the other library measured, None for this package's backends
    error: Optional[str] = None  # why the path failed (its times are then NaN)
    details: Dict[str, Any] = field(default_factory=dict)  # what the build chose (e.g. compile's time_chunk)


def _synchronize(device: torch.device):
    return torch.cuda.synchronize if device.type == "cuda" else (lambda: None)


def _from_timing(
    workload: Workload, name: str, timing: Timing, prepare_seconds: float = 0.0, units: Optional[int] = None
) -> Result:
    """``timing`` as a result; the rate counts ``units`` per call (the workload's by default)."""
    return Result(
        workload.name,
        name,
        workload.description,
        timing.median * 1e3,
        timing.p99 * 1e3,
        (workload.units if units is None else units) / timing.median,
        f"{workload.unit_name}/s",
        prepare_seconds,
    )


def _floor_result(
    workload: Workload, name: str, call: Callable[[], object], device: torch.device, repeats: int
) -> Result:
    """The floor ``call`` timed like the workload: whole calls, or for a stream, one step per
    call over as many calls as the stream has steps."""
    if not workload.streaming:
        return _from_timing(workload, name, measure(call, repeats=repeats, synchronize=_synchronize(device)))
    timing = measure(call, repeats=workload.units, warmup=10, synchronize=_synchronize(device))
    return _from_timing(workload, name, timing, units=1)


def _sequence_result(
    workload: Workload,
    name: str,
    runner: Runner,
    run: Callable[[Any], Any],
    x: torch.Tensor,
    device: torch.device,
    repeats: int,
) -> Result:
    data = runner.to_input(x)
    timing = measure(lambda: run(data), repeats=repeats, synchronize=_synchronize(device))
    return _from_timing(workload, name, timing, runner.prepare_seconds)


def _stream_result(
    workload: Workload,
    name: str,
    runner: Runner,
    stream: Callable[[int], StepFunction],
    x: torch.Tensor,
    device: torch.device,
) -> Result:
    """Per-step latency of a stream at batch 1 over the workload's steps (state carried)."""
    step = stream(x.shape[1])
    steps = [runner.to_input(x_t) for x_t in x]
    for x_t in steps[:10]:
        step(x_t)
    sync = _synchronize(device)
    latencies = []
    for x_t in steps:
        start = time.perf_counter()
        step(x_t)
        sync()
        latencies.append(time.perf_counter() - start)
    micros = np.asarray(latencies) * 1e6
    median = float(np.median(micros))
    return Result(
        workload.name,
        name,
        workload.description,
        median / 1e3,
        float(np.percentile(micros, 99)) / 1e3,
        1e6 / median,
        "steps/s",
        runner.prepare_seconds,
    )


def _runner_results(
    workload: Workload,
    name: str,
    make_runner: Callable[[], Runner],
    x: torch.Tensor,
    device: torch.device,
    repeats: int,
    peer: Optional[str] = None,
) -> List[Result]:
    """Build a runner and time it as the workload asks (a stream or whole sequences); a runner
    without a stream gives no streaming result. A failure is printed and kept as a result with
    its error, and the suite goes on."""
    try:
        runner = make_runner()
        if not workload.streaming:
            results = (
                [] if runner.run is None else [_sequence_result(workload, name, runner, runner.run, x, device, repeats)]
            )
        else:
            results = (
                [] if runner.stream is None else [_stream_result(workload, name, runner, runner.stream, x, device)]
            )
    except Exception as error:
        message = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:300]}"
        print(f"{workload.name} {name}: FAILED: {message}")
        nan = float("nan")
        return [Result(workload.name, name, workload.description, nan, nan, nan, "", 0.0, peer=peer, error=message)]
    for result in results:
        result.peer, result.details = peer, runner.details
        if runner.details:
            print(f"{workload.name} {name}: {json.dumps(runner.details)}")
    return results


def _training_result(
    workload: Workload, name: str, model: torch.nn.Module, x: torch.Tensor, device: torch.device, repeats: int
) -> Result:
    forward = torch.compile(model, fullgraph=True) if name == "compile" else model

    def step():
        output, _ = forward(x)
        output.sum().backward()

    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    result = _from_timing(workload, name, measure(step, repeats=repeats, warmup=1, synchronize=_synchronize(device)))
    if device.type == "cuda":
        result.unit += f", peak {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB"
    return result


def run_suite(
    names: Iterable[str], backend_names: Sequence[str], device: torch.device, quick: bool, repeats: int
) -> List[Result]:
    """Measure every workload of ``names``: its floor where it has one, every backend of
    ``backend_names``, then the other SNN libraries that happen to be importable (norse,
    snntorch, spikingjelly), eager and on their deployment paths (:mod:`peer_paths`). A training
    workload (ON) runs on CUDA only, with those of :data:`TRAINING_BACKENDS` in ``backend_names``."""
    available = {**BACKENDS, **SLOW_BACKENDS}
    results: List[Result] = []
    table = workloads(quick)
    for name in names:
        workload = table[name]
        model, x = workload.build(device)
        model.eval()
        if workload.training:
            if device.type != "cuda":
                continue
            model.train()
            results += [
                _training_result(workload, backend, model, x, device, repeats)
                for backend in TRAINING_BACKENDS
                if backend in backend_names
            ]
            continue
        group: List[Result] = []
        for floor_name, floor_call in workload.floors.items():
            call = floor_call(model, x)
            if call is not None:
                group.append(_floor_result(workload, floor_name, call, device, repeats))
        example = x[:1] if workload.streaming else x
        with tempfile.TemporaryDirectory() as workdir, torch.inference_mode():
            for backend in backend_names:
                build = available[backend]
                group += _runner_results(
                    workload, backend, functools.partial(build, model, example, Path(workdir)), x, device, repeats
                )
            for library, comparator in comparator_models(workload.name, device).items():
                runner = functools.partial(Runner, run=comparator.run, stream=comparator.stream, prepare_seconds=0.0)
                group += _runner_results(workload, f"{library} eager", runner, x, device, repeats, peer=library)
                if comparator.deployable is None:
                    continue
                for path, deploy in PEER_PATHS.items():
                    make = functools.partial(deploy, comparator.deployable, example, Path(workdir), device)
                    group += _runner_results(workload, f"{library} {path}", make, x, device, repeats, peer=library)
        results += _with_ratios(group)
    return results


def is_floor(result: Result) -> bool:
    """A floor row (``floor``, ``floor torch``, ``floor onnxruntime``), not a backend's."""
    return result.backend == "floor" or result.backend.startswith("floor ")


def _with_ratios(group: List[Result]) -> List[Result]:
    """Each result's time over eager's, the fastest floor's and the fastest peer path's of the
    group (one workload, one run); failed results take part in none."""
    measured = [r for r in group if r.error is None]
    eager = next((r.median_ms for r in measured if r.backend == "eager"), None)
    floor = min((r.median_ms for r in measured if is_floor(r)), default=None)
    best_peer = min((r.median_ms for r in measured if r.peer is not None), default=None)
    for result in measured:
        result.ratio_to_eager = result.median_ms / eager if eager else None
        result.ratio_to_floor = result.median_ms / floor if floor else None
        result.ratio_to_best_peer = result.median_ms / best_peer if best_peer else None
    return group


def machine() -> Dict[str, str]:
    info = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "threads": str(torch.get_num_threads()),
        "torch": torch.__version__,
        "snn_deploy": snn_deploy.__version__,
    }
    try:
        import onnxruntime

        info["onnxruntime"] = onnxruntime.__version__
    except ImportError:
        pass
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name()
    info.update({f"comparator_{name}": version for name, version in comparator_versions().items()})
    return info


def format_table(results: List[Result]) -> str:
    """One row per result; a failed one shows FAILED, and its error is listed below the table."""
    header = ("workload", "backend", "median ms", "p99 ms", "rate", "x eager", "x floor", "x best peer", "prepare s")
    rows = [
        (
            r.workload,
            r.backend,
            "FAILED" if r.error else f"{r.median_ms:.3f}",
            "-" if r.error else f"{r.p99_ms:.3f}",
            "-" if r.error else f"{r.rate:.3g} {r.unit}",
            f"{r.ratio_to_eager:.3f}" if r.ratio_to_eager else "-",
            f"{r.ratio_to_floor:.2f}" if r.ratio_to_floor else "-",
            f"{r.ratio_to_best_peer:.2f}" if r.ratio_to_best_peer else "-",
            f"{r.prepare_s:.1f}",
        )
        for r in results
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in [header, *rows]]
    lines += [f"FAILED {r.workload} {r.backend}: {r.error}" for r in results if r.error]
    return "\n".join(lines)


def append_results(
    records: List[Any], path: Path, device: torch.device, quick: bool, allocator: str = "system"
) -> None:
    """Append one JSON line per :class:`Result` (kind ``workload``) or other record (kind
    ``export``, or the record's own ``kind`` field), each with the machine, the device and the
    allocator setting; a NaN (a failed result's times) is written as null."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    info = machine()
    with path.open("a") as handle:
        for record in records:
            kind = "workload" if isinstance(record, Result) else "export"
            line = {
                "time": stamp,
                "kind": kind,
                "device": device.type,
                "quick": quick,
                "allocator": allocator,
                "machine": info,
            }
            fields = {
                key: None if isinstance(value, float) and math.isnan(value) else value
                for key, value in asdict(record).items()
            }
            handle.write(json.dumps({**line, **fields}) + "\n")
