"""The example pipeline (``make export``) end to end at a reduced size, serving, and DDP training."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import numpy as np
import pytest
import torch

from export_examples.__main__ import main as export_main
from export_examples.digits import load_split
from export_examples.pipeline import trained_model
from export_examples.serve import streamed_accuracy
from export_examples.train import EXAMPLES
from snn_deploy import runtime
from snn_deploy.export import read_manifest
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


def report_rows(report: str, example: str) -> List[Dict[str, str]]:
    """The rows of ``example`` in report.md's table, each keyed by the table's header."""
    lines = [line for line in report.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")))) for line in lines[1:]]
    return [row for row in rows if row["example"] == example]


def percent(cell: str) -> float:
    return float(cell.rstrip("%")) / 100


def test_pipeline_exports_every_format_with_predictions_identical_to_eager(exported):
    status, root = exported
    assert status == 0
    report = (root / "artifacts" / "report.md").read_text()
    for name in EXAMPLES:
        for file_name in ARTIFACT_FILES:
            assert (root / "artifacts" / name / file_name).stat().st_size > 1000, (name, file_name)
        rows = [row for row in report_rows(report, name) if "int8" not in row["format"]]
        assert [row["format"] for row in rows] == ["eager", "onnx", "onnx", "torchscript", "pt2"]
        assert all(row["same as eager"] == "yes" for row in rows), rows


def test_int8_rows_state_accuracy_agreement_and_size_against_the_float_artifact(exported):
    """The quantized sequence artifacts, evaluated through the runtime: accuracy near the float
    artifact's (1-epoch models: within 3 points for int8 weights, 8 for int8 activations too), most
    predictions as eager's, and int8 weights in a smaller file; the figures against the float
    artifact are those recorded in the int8 artifact's manifest."""
    _, root = exported
    report = (root / "artifacts" / "report.md").read_text()
    for name in EXAMPLES:
        rows = {row["format"]: row for row in report_rows(report, name) if row["mode"] == "sequence"}
        float_accuracy = percent(rows["onnx"]["accuracy"])
        for mode, margin, agreement in (("dynamic", 0.03, 0.9), ("static", 0.08, 0.75)):
            row = rows[f"onnx int8 {mode}"]
            assert abs(percent(row["accuracy"]) - float_accuracy) <= margin, (name, row)
            assert agreement <= percent(row["same as eager"]) <= 1.0, (name, row)
            path = root / "artifacts" / name / f"model_int8_{mode}.onnx"
            manifest = read_manifest(path)
            assert manifest.options["post_processing"][-1]["mode"] == mode
            figures = [
                figure for outputs in manifest.validation["against_float"].values() for figure in outputs.values()
            ]
            assert row["max deviation"] == f"{max(figure['max_abs'] for figure in figures):.1e}"
            spikes = [figure["spike_agreement"] for figure in figures if figure["spikes"]]
            assert row["spikes as float"] == (f"{100 * min(spikes):.2f}%" if spikes else "-")
        float_bytes = (root / "artifacts" / name / "model.onnx").stat().st_size
        assert (root / "artifacts" / name / "model_int8_dynamic.onnx").stat().st_size < float_bytes
    # the recurrent network's hidden spikes are a state output: most of them stay as the float artifact's
    recurrent = {row["format"]: row for row in report_rows(report, "recurrent_digits")}
    assert 0.9 <= percent(recurrent["onnx int8 dynamic"]["spikes as float"]) < 1.0
    folder = root / "artifacts" / "recurrent_digits"  # its 70k weights dominate the file: int8 shrinks it
    assert (folder / "model_int8_dynamic.onnx").stat().st_size < 0.5 * (folder / "model.onnx").stat().st_size


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
