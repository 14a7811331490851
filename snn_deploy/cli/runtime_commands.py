"""``snn-deploy inspect``, ``validate``, ``run`` and ``bench``: look at and serve an artifact
from the command line, torch-free for ONNX.

Every command reads the artifact like :func:`snn_deploy.runtime.load` does (checksum, zip CRCs,
manifest checks) and refuses TorchScript and ``.pt2`` files, which are code, without ``--trust``.
Importing this module imports neither torch nor the exporter.
"""

import argparse
import json
import sys
import time
from dataclasses import asdict
from typing import Any, Callable, Dict, List, Tuple

import numpy as np

from snn_deploy.cli.command import Command
from snn_deploy.errors import InputError
from snn_deploy.formats import read_artifact
from snn_deploy.runtime import Session, load
from snn_deploy.runtime.arguments import positive_int

TRUST_HELP = "open TorchScript/.pt2 artifacts, which are code: only for files from a source you trust"


def _add_artifact_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("artifact", help="an .onnx, .ts/.pt or .pt2 artifact")
    parser.add_argument("--trust", action="store_true", help=TRUST_HELP)


def _add_session_arguments(parser: argparse.ArgumentParser) -> None:
    _add_artifact_arguments(parser)
    parser.add_argument("--step-artifact", help="the model's step artifact, for remainders of a sequence artifact")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (default: cpu)")
    parser.add_argument("--threads", type=positive_int, help="intra-op threads")


def _open(args: argparse.Namespace) -> Session:
    return load(args.artifact, args.device, trusted=args.trust, threads=args.threads, step_artifact=args.step_artifact)


# --- inspect and validate -----------------------------------------------------------------------


def _add_inspect_arguments(parser: argparse.ArgumentParser) -> None:
    _add_artifact_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the whole manifest as JSON")


def _shape(shape: List[Any]) -> str:
    return "(" + ", ".join("batch" if size is None else str(size) for size in shape) + ")"


def _tree_lines(tree: Dict[str, Any], name: str = "", depth: int = 0) -> List[str]:
    label = tree.get("class", "?").rsplit(".", 1)[-1]
    lines = ["  " * depth + (f"{name}: {label}" if name else label)]
    for child_name, child in (tree.get("children") or {}).items():
        if depth < 8 and isinstance(child, dict):
            lines += _tree_lines(child, child_name, depth + 1)
    return lines


def summary_lines(artifact: Any) -> List[str]:
    """A short human summary of a checked artifact (see ``snn-deploy inspect``)."""
    m = artifact.manifest
    code = "code: opens only with --trust / trusted=True" if artifact.format.is_code else "data: safe to open"
    check = "checksum verified" if artifact.checksum_verified else "zip CRCs verified"
    lines = [f"{artifact.path}: {artifact.format.name} artifact, {artifact.file_bytes:,} bytes ({code}; {check})"]
    if m is None:
        return lines + ["no snn_deploy manifest (a plain ONNX file)"]
    timing = [f"mode {m.mode}"] + ([f"T={m.time_steps}"] if m.time_steps else []) + ([f"dt={m.dt:g}"] if m.dt else [])
    lines.append(", ".join(timing) + f", dtype {m.dtype}")
    lines += [f"input  {spec.name} {_shape(spec.shape)} {spec.dtype}" for spec in m.inputs[:1]]
    lines += [f"output {spec.name} {_shape(spec.shape)} {spec.dtype}" for spec in m.outputs[:1]]
    states = ", ".join(f"{s.path} {_shape(s.shape)}" for s in m.state)
    lines.append(f"state  {states or 'none'} (per sample)")
    tree = m.model.get("tree")
    lines.append(f"model  {m.model.get('kind', '?')}, fingerprint {m.model.get('fingerprint', 'none')}")
    if isinstance(tree, dict):
        lines += ["  " + line for line in _tree_lines(tree)]
    if m.validation.get("outputs"):
        figures = m.validation["outputs"]
        lines.append(f"validated at batch {m.validation.get('batch')}: " + "; ".join(_figure_lines(figures)))
    else:
        lines.append("not validated at export")
    for step in m.options.get("post_processing", []):
        if isinstance(step, dict):
            lines.append("post-processed: " + " ".join(f"{key}={value}" for key, value in step.items()))
    lines.append("written by " + ", ".join(f"{name} {version}" for name, version in sorted(m.producer.items())))
    return lines


def _figure_lines(figures: Dict[str, Any]) -> List[str]:
    from snn_deploy.artifact.compare import summary

    try:
        return summary(figures)
    except (KeyError, TypeError, ValueError):
        return ["(unreadable figures)"]


def _inspect(args: argparse.Namespace) -> int:
    artifact = read_artifact(args.artifact)  # data only (manifest, checksums): nothing runs, so no --trust needed
    if args.json:
        manifest = asdict(artifact.manifest) if artifact.manifest is not None else None
        print(json.dumps(manifest, indent=2, sort_keys=True))
    else:
        print("\n".join(summary_lines(artifact)))
    return 0


def _validate(args: argparse.Namespace) -> int:
    from snn_deploy.artifact.compare import summary
    from snn_deploy.runtime.replay import validate_artifact

    figures = validate_artifact(args.artifact, trusted=args.trust)
    print(f"{args.artifact}: matches its recorded eager reference")
    for line in summary(figures):
        print(f"  {line}")
    return 0


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
    parser.add_argument("--steps", type=positive_int, default=2000, help="time steps to time (default: 2000)")
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
        steps = session.signature.chunk_steps
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


# --- optimize and quantize ----------------------------------------------------------------------


def _add_post_processing_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("artifact", help="an .onnx artifact written by snn-deploy export")
    parser.add_argument("--output", "-o", required=True, help="the new .onnx artifact")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")
    parser.add_argument("--seed", type=int, default=0, help="seed of the fresh comparison inputs")


def _add_optimize_arguments(parser: argparse.ArgumentParser) -> None:
    from snn_deploy.runtime.post_processing import OPTIMIZATION_LEVELS

    _add_post_processing_arguments(parser)
    parser.add_argument("--level", choices=OPTIMIZATION_LEVELS, default="extended")


def _add_quantize_arguments(parser: argparse.ArgumentParser) -> None:
    from snn_deploy.runtime.post_processing import QUANTIZATION_MODES

    _add_post_processing_arguments(parser)
    parser.add_argument("--mode", choices=QUANTIZATION_MODES, default="dynamic", help="int8 weights (dynamic) or all")
    parser.add_argument("--calibration", help="static mode: an .npz named like the inputs (default: the recorded ones)")


def _optimize(args: argparse.Namespace) -> int:
    from snn_deploy.runtime.post_processing import optimize

    print(optimize(args.artifact, args.output, args.level, overwrite=args.overwrite, seed=args.seed))
    return 0


def _quantize(args: argparse.Namespace) -> int:
    from snn_deploy.runtime.post_processing import quantize

    report = quantize(args.artifact, args.output, args.mode, args.calibration, overwrite=args.overwrite, seed=args.seed)
    print(report)
    return 0


COMMANDS: Dict[str, Command] = {
    "inspect": Command(
        "summarize an artifact (--json: its whole manifest), after checking it",
        _add_inspect_arguments,
        _inspect,
    ),
    "validate": Command(
        "re-run an artifact on its recorded inputs and compare with the recorded eager outputs",
        _add_artifact_arguments,
        _validate,
    ),
    "run": Command("run an artifact on an input .npy", _add_run_arguments, _run),
    "optimize": Command(
        "save an ONNX artifact after onnxruntime's graph optimizations", _add_optimize_arguments, _optimize
    ),
    "quantize": Command(
        "save an ONNX artifact with int8 weights (onnxruntime quantization)",
        _add_quantize_arguments,
        _quantize,
    ),
    "bench": Command("time an artifact: latency p50/p99 per step and throughput", _add_bench_arguments, _bench),
}
