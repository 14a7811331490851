"""``optimize`` and ``quantize``: new checked artifacts with figures against the float artifact."""

import json

import numpy as np
import pytest
import torch
from runtime_models import FEATURES, Artifacts, inputs
from torch import nn

import snn_deploy as snn
from snn_deploy import runtime
from snn_deploy.artifact.reference import REFERENCE_KEY, decode
from snn_deploy.cli import main
from snn_deploy.errors import ArtifactError
from snn_deploy.export import read_manifest, to_onnx, validate_artifact
from snn_deploy.formats import read_artifact
from snn_deploy.runtime.post_processing import optimize, quantize


@pytest.mark.parametrize("mode", ["step", "sequence"])
def test_optimize_keeps_every_output_exactly(artifacts: Artifacts, tmp_path, mode: str):
    source = artifacts.path("onnx", mode)
    report = optimize(source, tmp_path / "optimized.onnx")
    manifest = read_manifest(report.path)
    assert manifest.options["post_processing"][0]["step"] == "optimize"
    assert set(report.figures) == {"recorded inputs", "fresh inputs"}
    for outputs in report.figures.values():
        assert all(figure["max_abs"] == 0.0 for figure in outputs.values())
        assert outputs["output"]["spikes"] and outputs["output"]["spike_agreement"] == 1.0
    assert manifest.validation["against_float"] == json.loads(json.dumps(report.figures))
    assert validate_artifact(report.path)["output"]["spike_agreement"] == 1.0  # still eager's outputs
    step = artifacts.path("onnx", "step") if mode == "sequence" else None
    x = inputs(2 * 4 + 1, 2).numpy() * 2
    np.testing.assert_array_equal(
        runtime.load(report.path, step_artifact=step).run(x)[0], runtime.load(source, step_artifact=step).run(x)[0]
    )


def _wide_model() -> nn.Module:
    torch.manual_seed(0)
    return snn.SequentialState(snn.Lift(nn.Linear(FEATURES, 256)), snn.LIF(), snn.Lift(nn.Linear(256, 256)), snn.LIF())


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("wide") / "wide_step.onnx"
    to_onnx(_wide_model(), 3.0 * torch.rand(2, FEATURES), path, step=True)
    return path


def test_dynamic_quantization_shrinks_the_weights_and_reports_agreement(wide, tmp_path):
    report = quantize(wide, tmp_path / "int8.onnx")
    assert report.file_bytes < 0.6 * report.source_bytes
    fresh = report.figures["fresh inputs"]
    assert 0.9 <= fresh["output"]["spike_agreement"] <= 1.0 and fresh["output"]["max_abs"] <= 1.0
    assert 0.0 < fresh["new_state.1.i"]["max_abs"] < 0.05  # int8 weights move the input current a little
    assert read_artifact(report.path).checksum_verified
    assert read_manifest(report.path).options["post_processing"][0]["mode"] == "dynamic"
    data = bytearray(report.path.read_bytes())
    data[len(data) // 2] ^= 0x10
    (tmp_path / "flipped.onnx").write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="checksum"):
        runtime.load(tmp_path / "flipped.onnx")


def test_static_quantization_from_the_recorded_reference_or_a_file(wide, tmp_path):
    recorded = quantize(wide, tmp_path / "static.onnx", mode="static")
    assert recorded.figures["recorded inputs"]["output"]["spike_agreement"] >= 0.9
    arrays = decode(read_artifact(wide).extras[REFERENCE_KEY])
    np.savez(tmp_path / "calibration.npz", **{name: value for name, value in arrays.items() if "new_" not in name})
    given = quantize(wide, tmp_path / "static_file.onnx", mode="static", calibration=tmp_path / "calibration.npz")
    step = read_manifest(given.path).options["post_processing"][0]
    assert step["calibration"].endswith("calibration.npz")
    assert given.figures["fresh inputs"]["output"]["spike_agreement"] >= 0.9


def test_the_commands(artifacts: Artifacts, tmp_path, capsys):
    source = str(artifacts.path("onnx", "step"))
    assert main(["optimize", source, "-o", str(tmp_path / "o.onnx"), "--level", "basic"]) == 0
    assert "spikes 100.00% equal" in capsys.readouterr().out
    assert main(["quantize", source, "-o", str(tmp_path / "q.onnx")]) == 0
    assert "against float on fresh inputs" in capsys.readouterr().out
    assert main(["quantize", source, "-o", str(tmp_path / "q.onnx")]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["optimize", str(artifacts.path("torchscript", "step")), "-o", str(tmp_path / "t.onnx")]) == 1
    assert "a torchscript artifact is a program" in capsys.readouterr().err
