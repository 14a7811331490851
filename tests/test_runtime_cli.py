"""``snn-deploy run`` and ``snn-deploy bench``."""

import json

import numpy as np
import torch
from runtime_models import Artifacts, eager, inputs

from snn_deploy.cli import main


def test_run_writes_the_output(artifacts: Artifacts, tmp_path, capsys):
    x = inputs(7, 2).numpy() * 2
    np.save(tmp_path / "x.npy", x)
    code = main(
        [
            "run",
            str(artifacts.path("onnx", "sequence")),
            "--step-artifact",
            str(artifacts.path("onnx", "step")),
            "--input",
            str(tmp_path / "x.npy"),
            "--output",
            str(tmp_path / "y.npy"),
        ]
    )
    assert code == 0
    assert "output (7, 2, 3) float32" in capsys.readouterr().out
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), eager(artifacts.model, torch.from_numpy(x))[0].numpy())


def test_run_with_a_bad_input_prints_one_line(artifacts: Artifacts, tmp_path, capsys):
    np.save(tmp_path / "x.npy", np.zeros((3, 2, 5)))
    assert main(["run", str(artifacts.path("onnx", "step")), "--input", str(tmp_path / "x.npy")]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "expected dtype float32, got float64" in error


def test_bench_reports_latency_and_throughput(artifacts: Artifacts, capsys):
    assert main(["bench", str(artifacts.path("onnx", "step")), "--steps", "200", "--warmup", "5", "--batch", "4"]) == 0
    captured = capsys.readouterr()
    assert "per step p50" in captured.out and "p99" in captured.out and "steps/s" in captured.out
    assert "200/200 steps" in captured.err


def test_inspect_summarizes_a_checked_artifact(artifacts: Artifacts, tmp_path, capsys):
    path = artifacts.path("onnx", "sequence")
    assert main(["inspect", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{path}: onnx artifact, {path.stat().st_size:,} bytes (data: safe to open; checksum verified)"
    assert lines[1] == "mode sequence, T=4, dt=0.001, dtype float32"
    assert lines[2:5] == [
        "input  input (4, batch, 5) float32",
        "output output (4, batch, 3) float32",
        "state  1.v (8), 1.i (8), 3.v (3), 3.i (3) (per sample)",
    ]
    assert lines[5].startswith("model  sequence, fingerprint ") and lines[6:11] == [
        "  SequentialState",
        "    0: Linear",
        "    1: LIF",
        "    2: Linear",
        "    3: LIF",
    ]
    assert lines[11].startswith("validated at batch 3: ") and "output: spikes 100% equal" in lines[11]
    assert lines[12].startswith("written by ") and f"torch {torch.__version__}" in lines[12]
    assert main(["inspect", "--json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["state"][0]["path"] == "1.v"


def test_inspect_checks_the_file_like_load(artifacts: Artifacts, tmp_path, capsys):
    data = bytearray(artifacts.path("onnx", "step").read_bytes())
    data[len(data) // 2] ^= 1
    (tmp_path / "damaged.onnx").write_bytes(bytes(data))
    assert main(["inspect", str(tmp_path / "damaged.onnx")]) == 1
    assert "does not match the checksum recorded at export" in capsys.readouterr().err
