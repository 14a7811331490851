"""The benchmark suite's quick size runs end to end (so its code cannot rot); no timing asserted."""

import json

import pytest
import torch

from snn_deploy.benchmarks import suite
from snn_deploy.benchmarks.__main__ import main as bench_main
from snn_deploy.benchmarks.backends import compile_time_chunk
from snn_deploy.benchmarks.suite import Result, _with_ratios, format_table
from snn_deploy.benchmarks.timing import measure


@pytest.mark.slow  # exports ONNX at T=4 and T=16 and times every backend
def test_quick_suite_writes_a_table_and_json_lines(tmp_path, capsys):
    results = tmp_path / "results.jsonl"
    status = bench_main(
        [
            "--quick",
            "--workloads",
            "W1,W3,W4",
            "--backends",
            "eager,torchscript,onnxruntime",
            "--repeats",
            "2",
            "--results",
            str(results),
            "--system-malloc",
        ]
    )
    assert status == 0
    printed = capsys.readouterr().out
    records = [json.loads(line) for line in results.read_text().splitlines()]
    lines = [line for line in records if line["kind"] == "workload"]
    measured = {(line["workload"], line["backend"]) for line in lines}
    assert {
        ("W1", "floor"),
        ("W1", "eager"),
        ("W1", "onnxruntime"),
        ("W3", "floor torch"),
        ("W3", "floor onnxruntime"),
        ("W3", "torchscript"),
        ("W4", "floor torch"),
        ("W4", "floor onnxruntime"),
        ("W4", "onnxruntime"),
    } <= measured
    for workload in ("W3", "W4"):
        rows = {line["backend"]: line for line in lines if line["workload"] == workload}
        fastest_floor = min(rows["floor torch"]["median_ms"], rows["floor onnxruntime"]["median_ms"])
        assert rows["onnxruntime"]["ratio_to_floor"] == pytest.approx(rows["onnxruntime"]["median_ms"] / fastest_floor)
    w4_floor = next(line for line in lines if (line["workload"], line["backend"]) == ("W4", "floor onnxruntime"))
    assert w4_floor["unit"] == "steps/s" and w4_floor["rate"] == pytest.approx(1e3 / w4_floor["median_ms"])
    sparse = [line for line in records if line["kind"] == "sparse"]
    assert {(line["rate"], line["path"]) for line in sparse} == {
        (rate, path) for rate in (0.1, 0.15) for path in ("dense", "gather eager", "gather compile")
    }
    assert all(line["median_ms"] > 0 for line in sparse)
    assert all(line["median_ms"] > 0 and line["machine"]["torch"] and line["allocator"] == "system" for line in lines)
    assert "x eager" in printed and "W4" in printed
    exports = {(line["artifact"], line["time_steps"]): line for line in records if line["kind"] == "export"}
    assert set(exports) == {("onnx sequence", 4), ("onnx step", 4), ("onnx sequence", 16), ("onnx step", 16)}
    # the unrolled sequence graph grows with T, the step artifact does not
    assert exports["onnx sequence", 16]["file_mb"] > 1.5 * exports["onnx sequence", 4]["file_mb"]
    assert exports["onnx step", 16]["file_mb"] == pytest.approx(exports["onnx step", 4]["file_mb"], rel=0.01)
    assert "export s" in printed
    loads = {line["artifact"]: line for line in records if line["kind"] == "load"}
    assert set(loads) == {"onnx", "torchscript", "pt2"}
    assert all(line["load_ms"] > 0 and line["checks_ms"] > 0 and 1.5 < line["file_mb"] < 2.5 for line in loads.values())
    assert "checks alone ms" in printed


def test_ratios_are_relative_to_eager_and_floor_of_the_same_run():
    group = _with_ratios(
        [
            Result("W1", "floor", "", 10.0, 11.0, 1.0, "", 0.0),
            Result("W1", "eager", "", 40.0, 41.0, 1.0, "", 0.0),
            Result("W1", "x", "", 20.0, 21.0, 1.0, "", 0.0),
        ]
    )
    assert [r.ratio_to_eager for r in group] == [0.25, 1.0, 0.5]
    assert [r.ratio_to_floor for r in group] == [1.0, 4.0, 2.0]
    assert "x floor" in format_table(group)


def test_the_floor_is_the_fastest_of_a_workloads_floors():
    group = _with_ratios(
        [
            Result("W4", "floor torch", "", 0.2, 0.3, 1.0, "", 0.0),
            Result("W4", "floor onnxruntime", "", 0.05, 0.06, 1.0, "", 0.0),
            Result("W4", "onnxruntime", "", 0.1, 0.2, 1.0, "", 0.0),
        ]
    )
    assert [r.ratio_to_floor for r in group] == [4.0, 1.0, 2.0]


def test_measure_reports_median_and_p99_of_the_timed_calls():
    calls = []
    timing = measure(lambda: calls.append(1), repeats=5, warmup=2)
    assert len(calls) == 7 and timing.runs == 5 and 0 <= timing.median <= timing.p99


def test_compile_chunks_hold_four_mebibytes_of_input():
    def chunk(*shape):
        return compile_time_chunk(torch.empty(shape, device="meta"))

    assert chunk(256, 64, 4096) == 4  # W1: 1 MiB a step
    assert chunk(32, 32, 2, 32, 32) == 16  # W2: 256 KiB a step
    assert chunk(100, 32, 256) == 128  # W3: 32 KiB a step, so the 100 steps run whole
    assert chunk(8, 1, 2**21) == 1  # 8 MiB a step: one step a chunk


def test_a_failing_backend_is_reported_and_the_suite_goes_on(monkeypatch, capsys):
    def broken(model, example, workdir):
        raise RuntimeError("boom")

    monkeypatch.setitem(suite.BACKENDS, "broken", broken)
    results = suite.run_suite(["W4"], ["broken", "eager"], torch.device("cpu"), quick=True, repeats=2)
    assert [(r.workload, r.backend, r.error) for r in results] == [
        ("W4", "floor torch", None),
        ("W4", "floor onnxruntime", None),
        ("W4", "broken", "RuntimeError: boom"),
        ("W4", "eager", None),
    ]
    assert "W4 broken: FAILED: RuntimeError: boom" in capsys.readouterr().out
