"""``snn-deploy run`` and ``snn-deploy bench``: serve an artifact from the command line.

``RUNTIME_COMMANDS`` maps each name to ``(help, add_arguments, run)`` for :mod:`snn_deploy.cli`.
"""

import argparse
import sys
import time
from typing import Any, Callable, Dict, List, Tuple

import numpy as np

from snn_deploy.errors import InputError
from snn_deploy.runtime.loading import load
from snn_deploy.runtime.session import Session


def _add_session_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("artifact", help="an .onnx, .ts/.pt or .pt2 artifact")
    parser.add_argument("--step-artifact", help="the model's step artifact, for remainders of a sequence artifact")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (default: cpu)")
    parser.add_argument("--threads", type=int, help="intra-op threads")


def _open(args: argparse.Namespace) -> Session:
    return load(args.artifact, args.device, threads=args.threads, step_artifact=args.step_artifact)


# --- run ----------------------------------------------------------------------------------------


def _add_run_arguments(parser: argparse.ArgumentParser) -> None:
    _add_session_arguments(parser)
    parser.add_argument("--input", "-i", required=True, help="input .npy: (time, batch, ...) or one step")
    parser.add_argument("--output", "-o", help="write the output to this .npy")


def _run(args: argparse.Namespace) -> int:
    session = _open(args)
    try:
        x = np.load(args.input, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read --input {args.input}: {error}") from None
    start = time.perf_counter()
    output, state = session.run(x)
    seconds = time.perf_counter() - start
    if args.output:
        np.save(args.output, output)
    nonzero = int(np.count_nonzero(output))
    print(
        f"{args.artifact}: input {x.shape} -> output {output.shape} {output.dtype} "
        f"({nonzero} non-zero of {output.size}) in {seconds * 1e3:.2f} ms"
        + (f", written to {args.output}" if args.output else "")
    )
    return 0


# --- bench --------------------------------------------------------------------------------------


def _add_bench_arguments(parser: argparse.ArgumentParser) -> None:
    _add_session_arguments(parser)
    parser.add_argument("--batch", "-B", type=int, default=1, help="batch size (default: 1)")
    parser.add_argument("--steps", type=int, default=2000, help="time steps to time (default: 2000)")
    parser.add_argument("--warmup", type=int, default=50, help="untimed calls first (default: 50)")


def _progress(done: int, total: int, width: int = 30) -> None:
    """A bar redrawn in place on a terminal; elsewhere (a log, a pipe) only the final count."""
    if not sys.stderr.isatty():
        if done == total:
            sys.stderr.write(f"{done}/{total} steps\n")
        return
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} steps")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _call(session: Session, batch: int) -> Tuple[Callable[[], Any], int]:
    """A function making one call of the artifact's native size, and its time steps."""
    rng = np.random.default_rng(0)
    port = session.step_port
    if session.signature.is_sequence:
        steps = session.time_steps
        x = rng.random((steps, *port.with_batch(batch))).astype(port.dtype)
        state = session.initial_state(batch)
        return lambda: session.run(x, state), steps
    x_t = rng.random(port.with_batch(batch)).astype(port.dtype)
    stream = session.stream(batch)
    return lambda: stream.step(x_t), 1


def _bench(args: argparse.Namespace) -> int:
    session = _open(args)
    call, steps_per_call = _call(session, args.batch)
    for _ in range(args.warmup):
        call()
    calls = max(1, args.steps // steps_per_call)
    latencies: List[float] = []
    every = max(1, calls // 50)
    start = time.perf_counter()
    for index in range(calls):
        begin = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - begin)
        if (index + 1) % every == 0 or index + 1 == calls:
            _progress((index + 1) * steps_per_call, calls * steps_per_call)
    total = time.perf_counter() - start
    per_step = np.asarray(latencies) / steps_per_call * 1e6
    steps = calls * steps_per_call
    print(
        f"{args.artifact} ({session.format}, {session.mode}, device {session.device}, batch {args.batch}): "
        f"per step p50 {np.percentile(per_step, 50):.1f} us, p99 {np.percentile(per_step, 99):.1f} us; "
        f"{steps / total:,.0f} steps/s, {steps * args.batch / total:,.0f} sample-steps/s"
    )
    return 0


RUNTIME_COMMANDS: Dict[str, Tuple[str, Callable, Callable]] = {
    "run": ("run an artifact on an input .npy", _add_run_arguments, _run),
    "bench": ("time an artifact: latency p50/p99 per step and throughput", _add_bench_arguments, _bench),
}
