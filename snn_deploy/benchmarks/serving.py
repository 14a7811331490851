"""The serving workload: the W4 network's step artifact behind ``snn-deploy serve``, driven by
concurrent client streams at batch 1 over loopback: REST, gRPC unary and gRPC streaming side by
side on the same streams, against the same server, per server setting.

Every stream is one sequence (``sequence_start`` on its first step, ``sequence_end`` on its
last); the load generator (:mod:`snn_deploy.benchmarks.load_generator`) runs every stream in
lockstep on one event loop in this process. Its own ceiling is measured first, per protocol,
against a trivial endpoint that answers at once (:mod:`snn_deploy.benchmarks.trivial_server`).
With ``pin`` the server (every thread) runs on one core and the load generator on another.
Reported per setting and protocol: aggregate steps/s, p50/p99 request latency, the mean samples
per step call, the model's own step time at that batch (measured in-process) and the server
overhead per request (p50 latency minus that step time).

    python -m snn_deploy.benchmarks.serving --pin [--quick] [--streams 64]
"""

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

import numpy as np

from snn_deploy.benchmarks.load_generator import PROTOCOLS, drive, grpc_requests, rest_requests
from snn_deploy.benchmarks.trivial_server import READY
from snn_deploy.serve.process import ServerProcess, free_port

MODEL = "w4_step"
TRIVIAL = "trivial endpoint"
SETTINGS: Dict[str, Tuple[str, ...]] = {
    "defaults": (),
    "batching off": ("--max-batch-size", "1"),
}
OUTPUT_BYTES = 40  # the W4 readout: 10 floats a step


@dataclass
class ServingResult:
    setting: str
    protocol: str
    streams: int
    steps: int
    steps_per_s: float
    p50_ms: float
    p99_ms: float
    mean_batch: float
    model_step_ms: float
    overhead_ms: float
    pinned: bool
    kind: str = "serving"


def pin(pid: int, cores: Set[int]) -> None:
    """Run every thread of process ``pid`` (threads it starts later inherit it) on ``cores``."""
    for thread in os.listdir(f"/proc/{pid}/task"):
        os.sched_setaffinity(int(thread), cores)


def _cores(pinned: bool) -> Tuple[Set[int], Set[int]]:
    """The server's cores and the load generator's."""
    available = sorted(os.sched_getaffinity(0))
    if not pinned or len(available) < 2:
        return set(available), set(available)
    return {available[0]}, set(available[1:])


def _step_ms(session, batch: int, repeats: int = 50) -> float:
    """The model's median step time at ``batch`` in this process (no server)."""
    import time

    x = (np.random.default_rng(0).uniform(size=(batch, 2, 32, 32)) < 0.1).astype(np.float32)
    state = session.initial_state(batch)
    times = []
    for _ in range(repeats + 5):
        start = time.perf_counter()
        session.run(x, state)
        times.append(time.perf_counter() - start)
    return float(np.median(times[5:])) * 1e3


class _Streams:
    """The encoded requests of every stream per protocol; sequence ids differ per protocol and run."""

    def __init__(self, inputs: Sequence[np.ndarray]):
        self.inputs = inputs
        self.runs = 0

    def requests(self, protocol: str, host: str, steps: Optional[int] = None) -> List[List[bytes]]:
        self.runs += 1
        first = self.runs * 10_000
        if protocol == "REST":
            return [rest_requests(MODEL, host, x[:steps], first + i) for i, x in enumerate(self.inputs)]
        return [grpc_requests(MODEL, x[:steps], first + i) for i, x in enumerate(self.inputs)]


def _result(
    setting: str, protocol: str, steps: int, run: Tuple[float, np.ndarray], pinned: bool, **model
) -> ServingResult:
    seconds, latencies = run
    p50 = float(np.percentile(latencies, 50)) * 1e3
    step_ms = model.get("step_ms", 0.0)
    return ServingResult(
        setting,
        protocol,
        len(latencies) // steps,
        steps,
        len(latencies) / seconds,
        p50,
        float(np.percentile(latencies, 99)) * 1e3,
        model.get("mean_batch", 0.0),
        step_ms,
        p50 - step_ms,
        pinned,
    )


def _trivial_ceiling(streams: _Streams, steps: int, cores: Set[int], pinned: bool) -> Iterator[ServingResult]:
    port, grpc_port = free_port(), free_port()
    command = [sys.executable, "-m", "snn_deploy.benchmarks.trivial_server", "--port", str(port)]
    command += ["--grpc-port", str(grpc_port), "--output-bytes", str(OUTPUT_BYTES)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == READY
        pin(process.pid, cores)
        for protocol in PROTOCOLS:
            address = ("127.0.0.1", port if protocol == "REST" else grpc_port)
            requests = streams.requests(protocol, f"127.0.0.1:{port}")
            yield _result(TRIVIAL, protocol, steps, drive(protocol, address, requests), pinned)
    finally:
        process.kill()
        process.wait()


def serving_benchmark(
    quick: bool, streams: int = 64, pinned: bool = False, queue_delay_us: Optional[int] = None
) -> List[ServingResult]:
    """The trivial endpoint's rows, then one :class:`ServingResult` per server setting of
    ``SETTINGS`` and protocol of ``PROTOCOLS``, in that order; ``streams`` client streams of
    200 steps each (20 when ``quick``)."""
    import torch

    from snn_deploy import runtime
    from snn_deploy.benchmarks.workloads import w2_network
    from snn_deploy.export import to_onnx

    steps = 20 if quick else 200
    rng = np.random.default_rng(0)
    inputs = [(rng.uniform(size=(steps, 1, 2, 32, 32)) < 0.1).astype(np.float32) for _ in range(streams)]
    server_cores, client_cores = _cores(pinned)
    own_cores = os.sched_getaffinity(0)
    pin(os.getpid(), client_cores)
    encoded = _Streams(inputs)
    results = list(_trivial_ceiling(encoded, steps, server_cores, pinned))
    delay = () if queue_delay_us is None else ("--max-queue-delay-us", str(queue_delay_us))
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{MODEL}.onnx"
            torch.manual_seed(0)
            to_onnx(w2_network().eval(), torch.from_numpy(inputs[0][0]), path, step=True)
            session = runtime.load(path, threads=1)
            for setting, options in SETTINGS.items():
                server = ServerProcess([str(path)], *options, *delay, "--max-sequences", str(2 * streams))
                try:
                    pin(server.process.pid, server_cores)
                    for protocol in PROTOCOLS:
                        address = ("127.0.0.1", server.port if protocol == "REST" else server.grpc_port)
                        drive(protocol, address, encoded.requests(protocol, server.url, 3))  # warm-up, not timed
                        calls = server.metric("snn_step_batch_size_count", model=MODEL)
                        samples = server.metric("snn_step_batch_size_sum", model=MODEL)
                        run = drive(protocol, address, encoded.requests(protocol, server.url))
                        calls = server.metric("snn_step_batch_size_count", model=MODEL) - calls
                        samples = server.metric("snn_step_batch_size_sum", model=MODEL) - samples
                        mean_batch = samples / max(calls, 1)
                        step_ms = _step_ms(session, max(1, round(mean_batch)))
                        results.append(
                            _result(setting, protocol, steps, run, pinned, mean_batch=mean_batch, step_ms=step_ms)
                        )
                finally:
                    server.stop()
    finally:
        pin(os.getpid(), own_cores)
    return results


SERVING_TABLE_HEADER = (
    "setting           protocol     streams x steps  steps/s  p50 ms  p99 ms  mean batch  model step ms  overhead ms"
)


def format_serving_row(result: ServingResult) -> str:
    return (
        f"{result.setting:<17} {result.protocol:<12} {result.streams:>3} x {result.steps:<9} "
        f"{result.steps_per_s:>8.0f}  {result.p50_ms:>6.2f}  {result.p99_ms:>6.2f}  {result.mean_batch:>10.1f}  "
        f"{result.model_step_ms:>13.3f}  {result.overhead_ms:>11.2f}"
    )


def _rate(results: List[ServingResult], setting: str, protocol: str) -> float:
    return next(r.steps_per_s for r in results if (r.setting, r.protocol) == (setting, protocol))


def print_serving_benchmark(quick: bool, streams: int = 64, pinned: bool = False) -> List[ServingResult]:
    """Run :func:`serving_benchmark` and print its table; a failure (no serve extra, say) is
    printed and gives no results, as for the suite's backends."""
    where = "server on one core, load generator on the other" if pinned else "server and load generator share the cores"
    print(
        f"\nSERVE: the W4 step artifact behind snn-deploy serve, {streams} client streams at batch 1 over loopback ({where})"
    )
    try:
        results = serving_benchmark(quick, streams, pinned)
    except Exception as error:
        print(f"SERVE: FAILED: {type(error).__name__}: {(str(error).splitlines() or [''])[0][:200]}")
        return []
    print(SERVING_TABLE_HEADER)
    for result in results:
        print(format_serving_row(result))
    stream, rest = _rate(results, "defaults", "gRPC stream"), _rate(results, "defaults", "REST")
    print(f"gRPC stream / REST (defaults): {stream / rest:.2f}x aggregate steps/s")
    defaults, off = _rate(results, "defaults", "gRPC stream"), _rate(results, "batching off", "gRPC stream")
    print(f"defaults / batching off (gRPC stream): {defaults / off:.2f}x aggregate steps/s")
    return results


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="The SERVE workload alone.")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--streams", type=int, default=64)
    parser.add_argument("--pin", action="store_true", help="the server on one core, the load generator on another")
    args = parser.parse_args(argv)
    return 0 if print_serving_benchmark(args.quick, args.streams, args.pin) else 1


if __name__ == "__main__":
    sys.exit(main())
