"""The serving workload: the W4 network's step artifact behind ``snn-deploy serve``, driven by
concurrent client streams at batch 1 over loopback, with dynamic batching and with it off.

Every stream is one sequence (``sequence_start`` on its first step); a client thread per stream
sends binary-tensor infer requests one step at a time and times each round trip. Reported per
server setting: aggregate steps/s, p50/p99 request latency, the mean samples per step call, the
model's own step time at that batch (measured in-process) and the server overhead per request
(p50 latency minus that step time).
"""

import http.client
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

import numpy as np
import torch

from snn_deploy import runtime
from snn_deploy.benchmarks.workloads import w2_network
from snn_deploy.export import to_onnx
from snn_deploy.serve.process import ServerProcess
from snn_deploy.serve.protocol import HEADER_LENGTH, decode_response, encode_request

MODEL = "w4_step"
# The last setting caps batches where the CPU's per-sample step time still holds (see the README).
SETTINGS = {
    "dynamic batching": ("--max-batch-size", "64"),
    "batching off": ("--max-batch-size", "1"),
    "batching, max 4": ("--max-batch-size", "4"),
}


@dataclass
class ServingResult:
    setting: str
    streams: int
    steps: int
    steps_per_s: float
    p50_ms: float
    p99_ms: float
    mean_batch: float
    model_step_ms: float
    overhead_ms: float
    kind: str = "serving"


def _stream(port: int, stream: int, x: np.ndarray, latencies: List[float]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for t, x_t in enumerate(x):
        body, headers = encode_request("input", x_t, "output", {"sequence_id": stream + 1, "sequence_start": t == 0})
        start = time.perf_counter()
        connection.request("POST", f"/v2/models/{MODEL}/infer", body, headers)
        response = connection.getresponse()
        answer = response.read()
        latencies.append(time.perf_counter() - start)
        if response.status != 200:
            raise RuntimeError(f"stream {stream}: HTTP {response.status}: {answer[:200]!r}")
        decode_response(answer, response.getheader(HEADER_LENGTH))
    connection.close()


def _drive(server: ServerProcess, inputs: List[np.ndarray]) -> Tuple[float, np.ndarray]:
    """Run every stream at once; wall seconds and every request's latency."""
    latencies: List[List[float]] = [[] for _ in inputs]
    threads = [threading.Thread(target=_stream, args=(server.port, i, x, latencies[i])) for i, x in enumerate(inputs)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    return seconds, np.concatenate([np.asarray(values) for values in latencies])


def _step_ms(session, batch: int, repeats: int = 50) -> float:
    """The model's median step time at ``batch`` in this process (no server)."""
    x = (np.random.default_rng(0).uniform(size=(batch, 2, 32, 32)) < 0.1).astype(np.float32)
    state = session.initial_state(batch)
    times = []
    for _ in range(repeats + 5):
        start = time.perf_counter()
        session.run(x, state)
        times.append(time.perf_counter() - start)
    return float(np.median(times[5:])) * 1e3


def serving_benchmark(quick: bool, streams: int = 64, queue_delay_us: int = 2000) -> List[ServingResult]:
    """One :class:`ServingResult` per server setting of ``SETTINGS``, in its order; ``streams``
    client streams of 200 steps each (20 when ``quick``)."""
    steps = 20 if quick else 200
    rng = np.random.default_rng(0)
    inputs = [(rng.uniform(size=(steps, 1, 2, 32, 32)) < 0.1).astype(np.float32) for _ in range(streams)]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{MODEL}.onnx"
        torch.manual_seed(0)
        to_onnx(w2_network().eval(), torch.from_numpy(inputs[0][0]), path, step=True)
        session = runtime.load(path, threads=1)
        for setting, options in SETTINGS.items():
            server = ServerProcess(
                [str(path)], *options, "--max-queue-delay-us", str(queue_delay_us), "--max-sequences", str(streams)
            )
            try:
                _drive(server, [x[:3] for x in inputs])  # warm-up sequences, not timed
                calls_before = server.metric("snn_step_batch_size_count", model=MODEL)
                samples_before = server.metric("snn_step_batch_size_sum", model=MODEL)
                seconds, latencies = _drive(server, inputs)
                calls = server.metric("snn_step_batch_size_count", model=MODEL) - calls_before
                samples = server.metric("snn_step_batch_size_sum", model=MODEL) - samples_before
            finally:
                server.stop()
            mean_batch = samples / max(calls, 1)
            step_ms = _step_ms(session, max(1, round(mean_batch)))
            p50 = float(np.percentile(latencies, 50)) * 1e3
            results.append(
                ServingResult(
                    setting,
                    streams,
                    steps,
                    streams * steps / seconds,
                    p50,
                    float(np.percentile(latencies, 99)) * 1e3,
                    mean_batch,
                    step_ms,
                    p50 - step_ms,
                )
            )
    return results


SERVING_TABLE_HEADER = (
    "setting           streams x steps  steps/s  p50 ms  p99 ms  mean batch  model step ms  overhead ms"
)


def format_serving_row(result: ServingResult) -> str:
    return (
        f"{result.setting:<17} {result.streams:>3} x {result.steps:<9} {result.steps_per_s:>8.0f}  "
        f"{result.p50_ms:>6.2f}  {result.p99_ms:>6.2f}  {result.mean_batch:>10.1f}  {result.model_step_ms:>13.3f}  "
        f"{result.overhead_ms:>11.2f}"
    )


def print_serving_benchmark(quick: bool, streams: int = 64) -> List[ServingResult]:
    """Run :func:`serving_benchmark` and print its table; a failure (no serve extra, say) is
    printed and gives no results, as for the suite's backends."""
    print(f"\nSERVE: the W4 step artifact behind snn-deploy serve, {streams} client streams at batch 1 over loopback")
    try:
        results = serving_benchmark(quick, streams)
    except Exception as error:
        print(f"SERVE: FAILED: {type(error).__name__}: {(str(error).splitlines() or [''])[0][:200]}")
        return []
    print(SERVING_TABLE_HEADER)
    for result in results:
        print(format_serving_row(result))
    print(f"dynamic batching / batching off: {results[0].steps_per_s / results[1].steps_per_s:.2f}x aggregate steps/s")
    return results
