"""The parts of the GPU check: each a child command with its own time limit, and a reader that
turns its exit status and the file it wrote into an outcome (``status``, ``reason`` and the
tests or bench rows).

- ``cuda tests``: pytest on the test files that ask ``cuda.is_available()``, their tests whose
  names say CUDA (``-k cuda``); outcomes from pytest's JUnit XML.
- ``bench W``: ``python -m snn_deploy.benchmarks`` on workload ``W`` and the backends other than
  compile; then ``bench W compile``: eager and compile again, since compiling is what may run
  long, and its ratio to eager holds only within its own run.

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
BENCH_LIMITS_S = {"W1": 70.0, "W2": 60.0, "W4": 60.0, "ON": 45.0}  # others: DEFAULT_BENCH_LIMIT_S
DEFAULT_BENCH_LIMIT_S = 60.0
COMPILE_LIMIT_S = 90.0
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


def bench_parts(
    workloads: List[str], backends: List[str], device: str, quick: bool, repeats: int, workdir: Path
) -> List[Part]:
    """One part per workload on the backends other than compile, then (if asked) one per
    workload on eager and compile."""
    others = [backend for backend in backends if backend != "compile"]
    parts = [
        bench_part(
            f"bench {w}", w, others, device, quick, repeats, workdir, BENCH_LIMITS_S.get(w, DEFAULT_BENCH_LIMIT_S)
        )
        for w in workloads
        if others
    ]
    if "compile" in backends:
        compiled = ["eager", "compile"] if "eager" in backends else ["compile"]
        parts += [
            bench_part(f"bench {w} compile", w, compiled, device, quick, repeats, workdir, COMPILE_LIMIT_S)
            for w in workloads
        ]
    return parts
