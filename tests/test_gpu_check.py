"""The GPU check (``make gpu-check``): its parts, time limits and results file, tried on the CPU.

On a machine without a GPU it must end quickly with every part skipped and the reason; with
``--dry-run`` it runs the same parts on the CPU at the bench's quick size.
"""

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

from snn_deploy.benchmarks import gpu_check
from snn_deploy.benchmarks.backends import BACKENDS, SLOW_BACKENDS
from snn_deploy.benchmarks.gpu_check_parts import (
    SLOW_GROUPS,
    TRAINING_WORKLOADS,
    Part,
    _bench_outcome,
    _tests_outcome,
    bench_parts,
    cuda_test_files,
    cuda_tests_part,
)
from snn_deploy.benchmarks.gpu_probe import cuda_facts
from snn_deploy.benchmarks.suite import TRAINING_BACKENDS, Result, append_results
from snn_deploy.benchmarks.workloads import workloads

ROOT = Path(__file__).resolve().parents[1]
# Spelled in two pieces: this file must not look like a CUDA test file to the check's selection.
IS_AVAILABLE = "cuda.is_" + "available()"
BENCH_PARTS = ["bench W1", "bench ON", "bench W1 artifacts"]


def run_check(out: Path, *options: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    environment.pop("OUT", None)
    command = [sys.executable, "-m", "snn_deploy.benchmarks.gpu_check", "--out", str(out), *options]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(cuda_facts()["available"], reason="this machine has a GPU")
def test_without_a_gpu_every_part_is_skipped_with_the_reason(tmp_path):
    start = time.monotonic()
    done = run_check(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert time.monotonic() - start < 120
    report = json.loads((tmp_path / "gpu-check.json").read_text())
    assert report["environment"]["packages"]["torch"] == torch.__version__
    assert report["environment"]["cuda"]["available"] is False
    names = [part["name"] for part in report["parts"]]
    assert names == ["cuda tests", *[f"bench {w}" for w in ("W1", "W2", "W4", "ON")]] + [
        *[f"bench {w} {group}" for group in ("compile", "artifacts") for w in ("W1", "W2", "W4")],
        "bench ON compile",
    ]
    for part in report["parts"]:
        assert part["status"] == "skipped"
        assert (
            part["reason"] == f"no CUDA: torch {torch.__version__} sees no CUDA device (torch.{IS_AVAILABLE} is False)"
        )
    assert report["finished"] is not None
    summary = (tmp_path / "gpu-check.md").read_text()
    assert "| bench W1 compile | skipped |" in summary and "no CUDA device" in summary
    assert summary in done.stdout


@pytest.mark.slow
def test_dry_run_measures_the_bench_rows_on_the_cpu_and_runs_the_selected_tests(tmp_path):
    done = run_check(tmp_path, "--dry-run", "--workloads", "W1,ON", "--backends", "eager,torchscript-artifact")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "gpu-check.json").read_text())
    assert (report["device"], report["quick"], report["budget_s"]) == ("cpu", True, 480)
    parts = {part["name"]: part for part in report["parts"]}
    assert list(parts) == ["cuda tests", *BENCH_PARTS]

    tests = parts["cuda tests"]  # pytest ran for real: here every CUDA test skips itself
    assert tests["status"] == "skipped" and "CUDA is not available" in tests["reason"]
    assert tests["counts"]["skipped"] == len(tests["tests"]) > 3
    ids = {test["id"].split("[")[0] for test in tests["tests"]}
    assert "tests.test_generic_modules::test_runs_on_cuda_and_matches_cpu" in ids
    assert "tests.test_runtime_serving::test_onnx_on_cuda_with_io_binding" in ids

    assert [row["backend"] for row in parts["bench W1"]["rows"]] == ["floor", "eager"]
    w1 = parts["bench W1 artifacts"]
    assert w1["status"] == "passed" and 0 < w1["seconds"] <= w1["limit_s"] == 90
    rows = {row["backend"]: row for row in w1["rows"]}
    assert set(rows) == {"floor", "eager", "torchscript-artifact"}
    for row in rows.values():
        assert row["device"] == "cpu" and row["quick"] is True and row["error"] is None
        assert 0 < row["median_ms"] <= row["p99_ms"] and row["rate"] > 0
        assert row["shape"] == "LIF dynamics T=16 B=8 N=512"
    assert rows["eager"]["ratio_to_eager"] == 1.0 and rows["floor"]["ratio_to_floor"] == 1.0
    assert rows["torchscript-artifact"]["prepare_s"] > 0
    assert w1["machine"]["torch"] == torch.__version__
    assert parts["bench ON"]["status"] == "skipped" and parts["bench ON"]["rows"] == []

    summary = (tmp_path / "gpu-check.md").read_text()
    assert f"| bench W1 artifacts | W1 | eager | {rows['eager']['median_ms']:.3f} |" in summary
    assert "- skipped" in summary and "CUDA is not available" in summary
    log = (tmp_path / "gpu-check.log").read_text()
    assert "===== bench W1:" in log and "===== exit 0" in log


def test_the_cuda_tests_are_the_files_that_ask_for_cuda():
    files = [path.name for path in cuda_test_files(ROOT / "tests")]
    assert {"test_generic_modules.py", "test_runtime_serving.py"} <= set(files)
    assert "test_gpu_check.py" not in files and "test_cli.py" not in files


def is_running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (killed, waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def test_the_bench_is_split_so_that_compiling_and_exporting_have_their_own_limits():
    backends = ["eager", "torchscript", "torchscript-artifact", "pt2", "compile"]
    parts = bench_parts(["W4", "ON"], backends, "cuda", False, 5, Path("/tmp"))
    chosen = {part.name: part.command[part.command.index("--backends") + 1] for part in parts}
    assert chosen == {
        "bench W4": "eager,torchscript",
        "bench ON": "eager,torchscript",  # the bench runs a training workload's eager alone
        "bench W4 compile": "eager,compile",
        "bench W4 artifacts": "eager,torchscript-artifact,pt2",
        "bench ON compile": "eager,compile",
    }
    assert list(chosen)[-1] == "bench ON compile"
    assert [part.limit_s for part in parts] == [45.0, 45.0, 90.0, 90.0, 90.0]
    assert [p.name for p in bench_parts(["W1"], ["compile"], "cuda", False, 5, Path("/tmp"))] == ["bench W1 compile"]


def test_the_checks_backend_groups_and_training_workloads_are_the_benchs():
    assert {b for group in SLOW_GROUPS.values() for b in group} <= {*BACKENDS, *SLOW_BACKENDS}
    assert {w.name for w in workloads(quick=True).values() if w.training} == set(TRAINING_WORKLOADS)
    assert set(TRAINING_BACKENDS) == {"eager", *SLOW_GROUPS["compile"]}


def test_a_part_past_its_limit_is_stopped_with_the_processes_it_started(tmp_path):
    marker = tmp_path / "grandchild.pid"
    script = textwrap.dedent(
        f"""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        open({str(marker)!r}, "w").write(str(child.pid))
        print("started", flush=True)
        time.sleep(60)
        """
    )
    part = Part("sleeper", [sys.executable, "-c", script], 3.0, lambda code, output: {"status": "passed"})
    with (tmp_path / "log").open("w") as log:
        start = time.monotonic()
        outcome = gpu_check.run_part(part, time.monotonic() + 100, log)
    assert time.monotonic() - start < 20
    assert outcome["status"] == "timeout" and outcome["reason"] == "stopped at its limit of 3 s"
    assert outcome["limit_s"] == 3.0 and outcome["seconds"] >= 3.0 and "started" in outcome["output_tail"]
    time.sleep(0.5)
    assert not is_running(int(marker.read_text()))
    assert "===== sleeper:" in (tmp_path / "log").read_text()


def test_a_part_is_skipped_when_the_budget_is_spent(tmp_path):
    part = Part("late", [sys.executable, "-c", "raise SystemExit(3)"], 60.0, lambda code, output: {"status": "failed"})
    with (tmp_path / "log").open("w") as log:
        outcome = gpu_check.run_part(part, time.monotonic() + gpu_check.RESERVE_S + 5, log)
    assert outcome["status"] == "skipped" and outcome["reason"].startswith("the check's time budget is spent (")
    assert (tmp_path / "log").read_text() == ""  # never started


def test_a_failing_test_is_reported_with_its_message(tmp_path):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_device.py").write_text(
        textwrap.dedent(
            f"""
            import pytest
            import torch

            gate = torch.{IS_AVAILABLE}

            def test_cuda_sum():
                assert 1 + 1 == 3, "wrong sum"

            def test_cuda_product():
                assert 2 * 2 == 4

            def test_cuda_later():
                pytest.skip("not yet")

            def test_unrelated():
                raise AssertionError("must not be selected")
            """
        )
    )
    part = cuda_tests_part(tests, tmp_path)
    done = subprocess.run(part.command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    outcome = part.read(done.returncode, done.stdout)
    assert outcome["status"] == "failed" and outcome["reason"].startswith("pytest exited with 1: ")
    assert outcome["counts"] == {"failed": 1, "passed": 1, "skipped": 1}
    failed = next(test for test in outcome["tests"] if test["outcome"] == "failed")
    assert failed["id"] == "tests.test_device::test_cuda_sum" and "wrong sum" in failed["message"]


def test_pytest_without_a_report_is_a_failure(tmp_path):
    outcome = _tests_outcome(tmp_path / "absent.xml", 4, "ERROR: usage\nno such option\n")
    assert outcome == {"status": "failed", "reason": "pytest exited with 4 and wrote no report: no such option"}


def test_a_failed_bench_row_fails_its_part(tmp_path):
    nan = float("nan")
    results = [
        Result("W1", "eager", "LIF", 2.0, 3.0, 10.0, "neuron-steps/s", 0.0, ratio_to_eager=1.0),
        Result("W1", "pt2", "LIF", nan, nan, nan, "", 0.0, error="RuntimeError: boom"),
    ]
    append_results(results, tmp_path / "bench.jsonl", torch.device("cpu"), quick=True)
    outcome = _bench_outcome(tmp_path / "bench.jsonl", 0, "")
    assert outcome["status"] == "failed" and outcome["reason"] == "pt2: RuntimeError: boom"
    assert [(row["backend"], row["median_ms"]) for row in outcome["rows"]] == [("eager", 2.0), ("pt2", None)]
    assert "machine" not in outcome["rows"][0] and outcome["machine"]["torch"] == torch.__version__
    assert _bench_outcome(tmp_path / "bench.jsonl", 1, "Traceback\nKeyError: 'x'\n")["reason"] == (
        "the bench exited with 1: KeyError: 'x'"
    )


@pytest.mark.parametrize(
    "environment, reason",
    [
        ({"error": "the probe of this Python exited with 1: boom"}, "the probe of this Python exited with 1: boom"),
        ({"missing": {"torch": "ImportError: no torch"}}, "torch is not importable here: ImportError: no torch"),
    ],
)
def test_no_part_runs_without_a_working_torch(environment, reason):
    assert gpu_check.reason_to_skip_all(environment, "cpu") == reason


def test_the_cpu_needs_no_cuda_and_the_tests_need_pytest():
    environment = {"missing": {}, "packages": {"torch": "2.11.0"}, "cuda": {"available": False}}
    assert gpu_check.reason_to_skip_all(environment, "cpu") is None
    assert gpu_check.reason_to_skip_all(environment, "cuda:0").startswith("no CUDA: torch 2.11.0 sees no CUDA")
    assert gpu_check.reason_to_skip_tests(environment) is None
    missing = {"missing": {"pytest": "ModuleNotFoundError: No module named 'pytest'"}}
    assert gpu_check.reason_to_skip_tests(missing) == (
        "pytest is not installed in this Python (ModuleNotFoundError: No module named 'pytest')"
    )


def test_out_defaults_to_the_device_tools_folder(monkeypatch):
    monkeypatch.setenv("OUT", "/tmp/device-out")
    assert gpu_check.arguments([]).out == Path("/tmp/device-out")
    monkeypatch.delenv("OUT")
    args = gpu_check.arguments(["--dry-run"])
    assert (args.out, args.device, args.quick, args.budget) == (Path("gpu-check-results"), "cpu", True, 480)
