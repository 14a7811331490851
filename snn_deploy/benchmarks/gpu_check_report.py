"""The GPU check's results: ``gpu-check.json`` (everything) and ``gpu-check.md`` (to read), both
written again after every part, each by a rename, so a check stopped at any point leaves whole
files with the parts done so far."""

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional

JSON_NAME = "gpu-check.json"
MARKDOWN_NAME = "gpu-check.md"


def _replace(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    os.replace(partial, path)


def write_report(report: Dict[str, Any], out: Path) -> None:
    _replace(out / JSON_NAME, json.dumps(report, indent=1) + "\n")
    _replace(out / MARKDOWN_NAME, markdown(report))


def _machine_line(environment: Dict[str, Any]) -> str:
    if "error" in environment:
        return f"probe failed: {environment['error']}"
    packages = environment["packages"]
    cuda = environment.get("cuda", {})
    gpu = (
        f"{cuda['name']} (compute {cuda['capability']}, {cuda['memory_gib']} GiB)"
        if cuda.get("available")
        else "no CUDA device"
    )
    versions = ", ".join(f"{name} {version}" for name, version in packages.items())
    providers = ", ".join(environment.get("onnxruntime_providers", []))
    return f"{gpu}; Python {environment['python']}; {versions}; torch's CUDA {cuda.get('torch_cuda')}; onnxruntime providers: {providers or '-'}"


def _cell(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _table(header: List[str], rows: List[List[str]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]


def _tests_lines(part: Optional[Dict[str, Any]]) -> List[str]:
    if part is None or "tests" not in part:
        return []
    counts = ", ".join(f"{count} {outcome}" for outcome, count in sorted(part["counts"].items()))
    lines = ["", "## CUDA tests", "", f"{counts} ({part['command']})", ""]
    for test in part["tests"]:
        if test["outcome"] in ("failed", "error"):
            lines.append(f"- {test['outcome'].upper()} `{test['id']}`: {test['message']}")
    skips = Counter(str(test["message"]) for test in part["tests"] if test["outcome"] == "skipped")
    lines += [f"- skipped {count}: {message}" for message, count in skips.items()]
    return lines


def _bench_lines(parts: List[Dict[str, Any]]) -> List[str]:
    header = ["part", "workload", "backend", "median ms", "p99 ms", "rate", "x eager", "x floor", "prepare s"]
    rows = [
        [
            part["name"],
            row["workload"],
            row["backend"],
            "FAILED" if row.get("error") else _cell(row["median_ms"]),
            _cell(row["p99_ms"]),
            "-" if row.get("error") else f"{row['rate']:.3g} {row['unit']}",
            _cell(row["ratio_to_eager"]),
            _cell(row["ratio_to_floor"], 2),
            _cell(row["prepare_s"], 1),
        ]
        for part in parts
        for row in part.get("rows", [])
    ]
    if not rows:
        return []
    errors = [
        f"- FAILED {r['workload']} {r['backend']}: {r['error']}"
        for p in parts
        for r in p.get("rows", [])
        if r.get("error")
    ]
    return ["", "## Bench rows", "", *_table(header, rows), *([""] + errors if errors else [])]


def markdown(report: Dict[str, Any]) -> str:
    """The machine, one line per part (status, seconds, reason), the tests that did not pass
    and the bench rows."""
    parts = report["parts"]
    done = (
        f"finished {report['finished']}, {report['elapsed_s']} s of a {report['budget_s']} s budget"
        if report["finished"]
        else f"in progress ({len(parts)} parts done; budget {report['budget_s']} s)"
    )
    lines = [
        "# snn_deploy GPU check",
        "",
        f"Started {report['started']}, {done}. Device: {report['device']}{', quick sizes' if report['quick'] else ''}.",
        "",
        f"Machine: {_machine_line(report['environment'])}.",
        "",
        *_table(
            ["part", "status", "seconds", "limit s", "reason"],
            [
                [p["name"], p["status"], _cell(p.get("seconds"), 1), _cell(p.get("limit_s"), 0), p.get("reason") or ""]
                for p in parts
            ],
        ),
    ]
    lines += _tests_lines(next((part for part in parts if part["name"] == "cuda tests"), None))
    lines += _bench_lines(parts)
    return "\n".join(lines) + "\n"
