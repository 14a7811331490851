"""``snn-deploy run`` and ``snn-deploy bench``."""

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
