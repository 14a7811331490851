"""The example pipeline (``make export``) end to end at a reduced size, serving, and DDP training."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from export_examples.__main__ import main as export_main
from export_examples.digits import load_split
from export_examples.pipeline import trained_model
from export_examples.serve import streamed_accuracy
from export_examples.train import EXAMPLES
from snn_deploy import runtime
from snn_deploy.serve.process import ServerProcess

pytestmark = pytest.mark.slow  # trains and exports two networks: minutes

REPO = Path(__file__).resolve().parents[1]
ARTIFACT_FILES = ("model.onnx", "model_step.onnx", "model.ts", "model.pt2", "test_set.npz", "raster.png")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """One reduced run of the pipeline: 1 epoch per example, everything else as ``make export``."""
    root = tmp_path_factory.mktemp("examples")
    status = export_main(
        [
            "--epochs",
            "1",
            "--artifacts",
            str(root / "artifacts"),
            "--checkpoints",
            str(root / "checkpoints"),
            "--no-progress",
        ]
    )
    return status, root


def test_pipeline_exports_every_format_with_predictions_identical_to_eager(exported):
    status, root = exported
    assert status == 0
    report = (root / "artifacts" / "report.md").read_text()
    for name in EXAMPLES:
        for file_name in ARTIFACT_FILES:
            assert (root / "artifacts" / name / file_name).stat().st_size > 1000, (name, file_name)
        rows = [line for line in report.splitlines() if line.startswith(f"| {name} |")]
        assert len(rows) == 5  # eager + 4 artifacts
        assert all(row.rstrip(" |").endswith("yes") for row in rows), rows


def test_checkpoints_are_reused_and_load_into_the_example_model(exported):
    _, root = exported
    split = load_split()
    for name, example in EXAMPLES.items():
        checkpoint = root / "checkpoints" / f"{name}.pt"
        written = checkpoint.stat().st_mtime_ns
        model, training_seconds = trained_model(example, split, checkpoint, epochs=1, progress=False)
        assert training_seconds == 0.0 and checkpoint.stat().st_mtime_ns == written  # loaded, not retrained
        saved = torch.load(checkpoint, weights_only=True)
        assert model.state_dict().keys() == saved.keys()
        assert all(torch.equal(value, saved[key]) for key, value in model.state_dict().items())


def test_raster_plot_shows_spikes(exported):
    import matplotlib.image

    _, root = exported
    for name in EXAMPLES:
        picture = matplotlib.image.imread(root / "artifacts" / name / "raster.png")
        assert picture.shape[0] > 300 and picture.std() > 0.05  # not a blank canvas


def test_serve_streams_the_test_set_without_torch(exported):
    _, root = exported
    artifact = root / "artifacts" / "conv_digits" / "model.onnx"
    result = subprocess.run(
        [sys.executable, str(REPO / "export_examples" / "serve.py"), str(artifact), "--stream-samples", "3"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "accuracy" in result.stdout and "p99" in result.stdout
    assert "torch imported: False" in result.stdout


def test_training_runs_under_torchrun_with_two_cpu_processes(tmp_path):
    checkpoint = tmp_path / "ddp.pt"
    environment = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc-per-node",
            "2",
            "-m",
            "export_examples.train",
            "recurrent_digits",
            "--epochs",
            "1",
            "--checkpoint",
            str(checkpoint),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=environment,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    model = EXAMPLES["recurrent_digits"].build_model()
    model.load_state_dict(torch.load(checkpoint, weights_only=True))
    assert all(np.isfinite(p.detach().numpy()).all() for p in model.parameters())


def test_serve_client_drives_snn_deploy_serve(exported, tmp_path):
    """``snn-deploy serve`` (torch blocked) on the conv example's step artifact, driven by
    ``export_examples.serve_client``: the same accuracy as streaming through the runtime here."""
    folder = exported[1] / "artifacts" / "conv_digits"
    test_set = np.load(folder / "test_set.npz")
    local = streamed_accuracy(
        runtime.load(folder / "model_step.onnx"), test_set["inputs"], test_set["labels"], str(test_set["readout"]), 12
    )
    server = ServerProcess([str(folder / "model_step.onnx")], block_torch=True)
    try:
        client = [sys.executable, "-m", "export_examples.serve_client", "--url", server.url, "--test-set"]
        client += [str(folder / "test_set.npz"), "--samples", "12", "--concurrency", "4"]
        done = subprocess.run(client, capture_output=True, text=True, cwd=REPO, timeout=300)
        assert done.returncode == 0, done.stderr
        correct = int(re.search(r"(\d+)/12 correct", done.stdout).group(1))
        assert correct == round(local["accuracy"] * 12) and 0 < correct
        request = tmp_path / "step.json"
        write = client[:-4] + ["--example-request", str(request)]
        assert subprocess.run(write, cwd=REPO, timeout=120).returncode == 0
        status, answer = server.post("/v2/models/model_step/infer", json.loads(request.read_text()))
        assert status == 200 and answer["outputs"][0]["shape"] == [1, 10]
    finally:
        assert server.stop()[0]
