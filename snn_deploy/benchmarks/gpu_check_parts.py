"""The parts of the GPU check: each a child command with its own time limit, and a reader that
turns its exit status and the file it wrote into an outcome (``status``, ``reason`` and the
tests or bench rows).

- ``cuda tests``: pytest on the test files that ask ``cuda.is_available()``, their tests whose
  names say CUDA (``-k cuda``); outcomes from pytest's JUnit XML.
- ``bench W``: ``python -m snn_deploy.benchmarks`` on workload ``W`` and its quick backends
  (eager, TorchScript); then ``bench W compile`` and ``bench W artifacts``: compiling and
  exporting (an unrolled sequence of T steps) are what may run long, so each has its own part
  and limit, beside eager again, since a ratio to eager holds only within its own run.

Statuses: ``passed``, ``failed``, ``skipped`` (with the reason), and ``timeout`` (set by the
runner when a part reaches its limit).
"""

import json
import re
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

Outcome = Dict[str, Any]

TESTS_LIMIT_S = 120.0
# The bench's backends that may run long, by part; the others are the workload's quick part.
SLOW_GROUPS = {"compile": ("compile",), "artifacts": ("torchscript-artifact", "pt2", "onnxruntime", "aoti")}
LIMITS_S = {"quick": 45.0, "compile": 90.0, "artifacts": 90.0}
TRAINING_WORKLOADS = ("ON",)  # workloads.py's training workloads: eager and compile only
CUDA_GATE = re.compile(r"\bcuda\.is_available\(")


@dataclass(frozen=True)
class Part:
    """``command`` runs in the repository root within ``limit_s``; ``read(exit_status, output)``
    gives its outcome."""

    name: str
    command: List[str]
    limit_s: float
    read: Callable[[int, str], Outcome]


def cuda_test_files(tests: Path) -> List[Path]:
    """The test files holding tests gated on CUDA (they ask ``cuda.is_available()``)."""
    return sorted(path for path in tests.glob("test_*.py") if CUDA_GATE.search(path.read_text()))


def _last_line(output: str) -> str:
    return next((line.strip() for line in reversed(output.splitlines()) if line.strip()), "no output")


def read_junit(path: Path) -> List[Dict[str, Optional[str]]]:
    """``[{"id": "tests.test_x::test_y[case]", "outcome": passed|failed|error|skipped,
    "message": ...}]`` from pytest's JUnit XML."""
    cases = []
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        outcome, message = "passed", None
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = "failed" if child.tag == "failure" else child.tag
                message = (child.get("message") or child.text or "").strip()[:500]
        cases.append({"id": f"{case.get('classname')}::{case.get('name')}", "outcome": outcome, "message": message})
    return cases


def _tests_outcome(junit: Path, code: int, output: str) -> Outcome:
    if not junit.exists():
        return {"status": "failed", "reason": f"pytest exited with {code} and wrote no report: {_last_line(output)}"}
    tests = read_junit(junit)
    counts = Counter(test["outcome"] for test in tests)
    outcome: Outcome = {"counts": dict(counts), "tests": tests}
    if counts["failed"] or counts["error"] or code not in (0, 5):  # 5: no test was collected
        reason = f"pytest exited with {code}: {_last_line(output)}"
        return {"status": "failed", "reason": reason, **outcome}
    if not counts["passed"]:
        skips = sorted({str(test["message"]) for test in tests if test["outcome"] == "skipped"})
        return {"status": "skipped", "reason": "; ".join(skips) or "no test selected", **outcome}
    return {"status": "passed", "reason": None, **outcome}


def cuda_tests_part(tests: Path, workdir: Path) -> Part:
    """pytest on :func:`cuda_test_files` (``-k cuda``), writing JUnit XML into ``workdir``."""
    junit = workdir / "cuda-tests.xml"
    files = [str(path.relative_to(tests.parent)) for path in cuda_test_files(tests)]
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "-rs",
        "-k",
        "cuda",
        f"--junitxml={junit}",
    ]
    return Part(
        "cuda tests", [*command, *files], TESTS_LIMIT_S, lambda code, output: _tests_outcome(junit, code, output)
    )


def read_bench_rows(results: Path) -> List[Dict[str, Any]]:
    """The workload rows (``kind`` workload) of a bench results file; none if it is absent."""
    if not results.exists():
        return []
    rows = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
    return [row for row in rows if row.get("kind") == "workload"]


def _bench_outcome(results: Path, code: int, output: str) -> Outcome:
    rows = read_bench_rows(results)
    machine = rows[0]["machine"] if rows else None
    rows = [{key: value for key, value in row.items() if key != "machine"} for row in rows]
    failed = [f"{row['backend']}: {row['error']}" for row in rows if row.get("error")]
    if code != 0:
        reason = f"the bench exited with {code}: {_last_line(output)}"
        return {"status": "failed", "reason": reason, "rows": rows, "machine": machine}
    if failed:
        return {"status": "failed", "reason": "; ".join(failed), "rows": rows, "machine": machine}
    if not rows:
        return {"status": "skipped", "reason": "the bench measured nothing here (ON: on CUDA only)", "rows": []}
    return {"status": "passed", "reason": None, "rows": rows, "machine": machine}


def bench_part(
    name: str, workload: str, backends: List[str], device: str, quick: bool, repeats: int, workdir: Path, limit: float
) -> Part:
    """``make bench``'s rows of one workload on ``backends`` (no export or load tables)."""
    results = workdir / f"{name.replace(' ', '-')}.jsonl"
    command = [sys.executable, "-m", "snn_deploy.benchmarks", "--workloads", workload]
    command += ["--backends", ",".join(backends), "--device", device, "--repeats", str(repeats)]
    command += ["--export-steps", "none", "--load-mb", "0", "--results", str(results)]
    return Part(
        name, command + (["--quick"] if quick else []), limit, lambda code, out: _bench_outcome(results, code, out)
    )


def group_backends(backends: List[str], group: str) -> List[str]:
    """What a part of ``group`` runs of ``backends``: the quick part those in no slow group; a
    slow group's part its own (beside eager, when asked), or nothing."""
    if group == "quick":
        return [b for b in backends if not any(b in slow for slow in SLOW_GROUPS.values())]
    own = [b for b in backends if b in SLOW_GROUPS[group]]
    return (["eager"] if own and "eager" in backends else []) + own


def bench_parts(
    workloads: List[str], backends: List[str], device: str, quick: bool, repeats: int, workdir: Path
) -> List[Part]:
    """The bench's parts, quick rows first: each workload on its quick backends; then compile,
    then the artifact backends of every workload but the training ones; last the training
    workloads' compile, the likeliest to run past its limit."""
    measured = [w for w in workloads if w not in TRAINING_WORKLOADS]
    order = [(w, "quick") for w in workloads] + [(w, group) for group in SLOW_GROUPS for w in measured]
    order += [(w, "compile") for w in workloads if w in TRAINING_WORKLOADS]
    return [
        bench_part(
            f"bench {w}" + ("" if group == "quick" else f" {group}"),
            w,
            chosen,
            device,
            quick,
            repeats,
            workdir,
            LIMITS_S[group],
        )
        for w, group in order
        if (chosen := group_backends(backends, group))
    ]
