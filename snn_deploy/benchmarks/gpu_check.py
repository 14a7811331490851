"""``make gpu-check`` / ``python3 -m snn_deploy.benchmarks.gpu_check``: the CUDA tests and the
CUDA rows of ``make bench`` (W1, W2, W4, ON at full size, with their floors) in one command,
for the few minutes a GPU machine is lent.

It runs on the Python it is started with (the GPU machine's own: no virtualenv, no downloads),
the repository importable from its root. A probe says what is there; every part
(:mod:`gpu_check_parts`) is a child process with its own time limit, cut to what is left of the
whole budget (``--budget``, 480 s), so a part that hangs costs only its own time. After each part
the results are written again to ``gpu-check.json`` and ``gpu-check.md`` in ``--out`` (default
``$OUT``, else ``gpu-check-results``), the children's output to ``gpu-check.log``. Whatever is
missing (torch, a CUDA device, pytest) makes the parts that need it ``skipped``, with the reason.

``--dry-run`` runs every part on the CPU at the bench's quick size: the plumbing, in a minute.
Exits with 1 when a part failed or reached its limit, else 0.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any, Callable, Dict, List, Optional, Tuple

from snn_deploy.benchmarks.gpu_check_parts import Outcome, Part, bench_parts, cuda_tests_part
from snn_deploy.benchmarks.gpu_check_report import write_report
from snn_deploy.runtime.arguments import positive_int

BUDGET_S = 480.0
PROBE_LIMIT_S = 90.0
MIN_PART_S = 15.0  # a part with less time left than this is skipped
RESERVE_S = 5.0  # kept back for writing the results
LOG_CHARS_PER_PART = 200_000  # the end of a part's output in gpu-check.log (the device tool takes 16 MiB a file)
DEFAULT_WORKLOADS = "W1,W2,W4,ON"
DEFAULT_BACKENDS = "eager,torchscript,torchscript-artifact,pt2,compile"
ROOT = Path(__file__).resolve().parents[2]


def _child_environment() -> Dict[str, str]:
    """This environment, with the repository root first on PYTHONPATH and output unbuffered."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": str(ROOT) + (os.pathsep + path if path else ""), "PYTHONUNBUFFERED": "1"}


def run_child(command: List[str], limit: float, log: IO[str], title: str) -> Tuple[Optional[int], str]:
    """Run ``command`` in the repository root for at most ``limit`` seconds; ``(exit status, or
    None when it was stopped at the limit, its output)``. The output's end goes to ``log`` too. A child
    runs in its own process group, so stopping it also stops what it started (compile workers)."""
    with tempfile.TemporaryFile() as capture:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=_child_environment(),
            stdout=capture,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        code: Optional[int]
        try:
            code = process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            code = None
        capture.seek(0)
        output = capture.read().decode(errors="replace")
    log.write(f"===== {title}: {' '.join(command)}\n{output[-LOG_CHARS_PER_PART:]}\n===== exit {code}\n\n")
    log.flush()
    return code, output


def probe(limit: float, log: IO[str]) -> Dict[str, Any]:
    """:mod:`gpu_probe`'s JSON, or ``{"error": ...}`` when it fails or takes too long."""
    code, output = run_child([sys.executable, "-m", "snn_deploy.benchmarks.gpu_probe"], limit, log, "probe")
    lines = [line for line in output.splitlines() if line.startswith("{")]
    if code == 0 and lines:
        return json.loads(lines[-1])
    tail = (output.strip().splitlines() or ["no output"])[-1]
    ended = f"took over {limit:.0f} s" if code is None else f"exited with {code}"
    return {"error": f"the probe of this Python {ended}: {tail}"}


def reason_to_skip_all(environment: Dict[str, Any], device: str) -> Optional[str]:
    """Why no part can run here (no torch, no CUDA device where CUDA was asked), or None."""
    if "error" in environment:
        return str(environment["error"])
    if "torch" in environment["missing"]:
        return f"torch is not importable here: {environment['missing']['torch']}"
    if device.startswith("cuda") and not environment["cuda"]["available"]:
        torch_version = environment["packages"]["torch"]
        return f"no CUDA: torch {torch_version} sees no CUDA device (torch.cuda.is_available() is False)"
    return None


def reason_to_skip_tests(environment: Dict[str, Any]) -> Optional[str]:
    if "pytest" in environment.get("missing", {}):
        return f"pytest is not installed in this Python ({environment['missing']['pytest']})"
    if not (ROOT / "tests").is_dir():
        return f"no tests/ folder in {ROOT}"
    return None


def run_part(part: Part, deadline: float, log: IO[str]) -> Outcome:
    """Run ``part`` within its limit and what is left before ``deadline``; its outcome, timed."""
    left = deadline - time.monotonic() - RESERVE_S
    limit = min(part.limit_s, left)
    summary: Outcome = {"name": part.name, "command": " ".join(part.command), "limit_s": round(limit, 1)}
    if left < MIN_PART_S:
        reason = f"the check's time budget is spent ({max(left, 0):.0f} s left)"
        return {**summary, "status": "skipped", "reason": reason, "seconds": 0.0}
    start = time.monotonic()
    code, output = run_child(part.command, limit, log, part.name)
    seconds = round(time.monotonic() - start, 1)
    if code is None:
        outcome: Outcome = {"status": "timeout", "reason": f"stopped at its limit of {limit:.0f} s"}
    else:
        outcome = part.read(code, output)
    if outcome["status"] in ("failed", "timeout"):
        outcome["output_tail"] = output[-3000:]
    return {**summary, **outcome, "seconds": seconds}


def arguments(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="The CUDA tests and the CUDA rows of the bench, in one budget.")
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("OUT") or "gpu-check-results"))
    parser.add_argument("--device", default="cuda", help="cuda (default), cuda:N, or cpu to try the plumbing")
    parser.add_argument("--quick", action="store_true", help="the bench's small shapes")
    parser.add_argument("--dry-run", action="store_true", help="--device cpu --quick: every part, on the CPU, small")
    parser.add_argument("--budget", type=positive_int, default=int(BUDGET_S), help="seconds for everything (480)")
    parser.add_argument("--workloads", default=DEFAULT_WORKLOADS, help=f"default {DEFAULT_WORKLOADS}")
    parser.add_argument("--backends", default=DEFAULT_BACKENDS, help=f"default {DEFAULT_BACKENDS}")
    parser.add_argument("--repeats", type=positive_int, default=5, help="timed calls per bench row (5)")
    args = parser.parse_args(argv)
    if args.dry_run:
        args.device, args.quick = "cpu", True
    return args


def check(args: argparse.Namespace, workdir: Path, log: IO[str], write: Callable[[Dict[str, Any]], None]) -> bool:
    """Probe, then run every part in turn, ``write`` the report after each; False if one failed."""
    start = time.monotonic()
    deadline = start + args.budget
    report: Dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "finished": None,
        "budget_s": args.budget,
        "device": args.device,
        "quick": args.quick,
        "environment": probe(min(PROBE_LIMIT_S, args.budget), log),
        "parts": [],
    }
    parts = [cuda_tests_part(ROOT / "tests", workdir)]
    parts += bench_parts(
        args.workloads.split(","), args.backends.split(","), args.device, args.quick, args.repeats, workdir
    )
    skip_all = reason_to_skip_all(report["environment"], args.device)
    write(report)
    for part in parts:
        reason = skip_all or (reason_to_skip_tests(report["environment"]) if part.name == "cuda tests" else None)
        if reason:
            outcome = {"name": part.name, "command": " ".join(part.command), "status": "skipped", "reason": reason}
        else:
            outcome = run_part(part, deadline, log)
        report["parts"].append(outcome)
        write(report)
    report["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    report["elapsed_s"] = round(time.monotonic() - start, 1)
    write(report)
    return not any(part["status"] in ("failed", "timeout") for part in report["parts"])


def main(argv: Optional[List[str]] = None) -> int:
    args = arguments(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir, (args.out / "gpu-check.log").open("w") as log:
        passed = check(args, Path(workdir), log, lambda report: write_report(report, args.out))
    print((args.out / "gpu-check.md").read_text())
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
