"""What an artifact carries: the manifest in each format, the recorded reference that
re-validates it from the file alone, and an AOTInductor package (one tiny model: slow to build)."""

import onnx
import pytest
import torch
from torch import nn

import snn_deploy as snn
from snn_deploy.artifact.reference import REFERENCE_KEY, decode, encode
from snn_deploy.errors import ArtifactError, ToleranceError
from snn_deploy.export import read_manifest, to_onnx, to_pt2, to_torchscript, validate_artifact
from snn_deploy.formats import read_artifact
from snn_deploy.formats.onnx_file import with_metadata
from snn_deploy.manifest import MANIFEST_KEY, ONNX_DIGEST_KEY


def network():
    torch.manual_seed(0)
    return snn.SequentialState(snn.Lift(nn.Linear(3, 4)), snn.LIFRecurrent(4, 2))


X = 40.0 * torch.rand(4, 2, 3, generator=torch.Generator().manual_seed(0))


def test_the_onnx_manifest_describes_the_boundary(tmp_path):
    report = to_onnx(network(), X, tmp_path / "m.onnx")
    manifest = read_manifest(tmp_path / "m.onnx")
    assert manifest == report.manifest
    assert (manifest.format, manifest.mode, manifest.time_steps, manifest.dt, manifest.dtype) == (
        "onnx",
        "sequence",
        4,
        0.001,
        "float32",
    )
    assert [(s.name, s.shape) for s in manifest.inputs] == [
        ("input", [4, None, 3]),
        ("state.1.z", [None, 2]),
        ("state.1.v", [None, 2]),
        ("state.1.i", [None, 2]),
    ]
    assert [s.name for s in manifest.outputs] == ["output", "new_state.1.z", "new_state.1.v", "new_state.1.i"]
    assert [(s.path, s.shape, s.fill) for s in manifest.state] == [
        ("1.z", [2], 0.0),
        ("1.v", [2], 0.0),
        ("1.i", [2], 0.0),
    ]
    assert manifest.model["tree"]["children"]["1"]["class"] == "snn_deploy.module.lif.LIFRecurrent"
    assert manifest.producer["torch"] == torch.__version__ and manifest.options["opset"] >= 18
    validation = manifest.validation
    assert validation["batch"] == 3 and validation["outputs"]["new_state.1.z"]["spike_agreement"] == 1.0
    assert validation["outputs"]["new_state.1.v"]["max_abs"] < 1e-4
    assert validation["tolerance"] == {"rtol": 1e-4, "atol_per_scale": 1e-5}
    model = onnx.load(str(tmp_path / "m.onnx"))
    assert {p.key for p in model.metadata_props} == {MANIFEST_KEY, REFERENCE_KEY, ONNX_DIGEST_KEY}
    assert model.graph.input[0].type.tensor_type.shape.dim[1].dim_param == "batch"


def test_the_validation_state_is_random_and_not_zero(tmp_path):
    to_pt2(network(), X, tmp_path / "m.pt2")
    recorded = decode(read_artifact(tmp_path / "m.pt2").extras[REFERENCE_KEY])
    assert recorded["input"].shape == (4, 3, 3)
    assert recorded["state.1.v"].any() and recorded["state.1.i"].any()


@pytest.mark.parametrize("exporter,suffix", [(to_torchscript, ".ts"), (to_pt2, ".pt2"), (to_onnx, ".onnx")])
def test_an_artifact_revalidates_from_its_recorded_reference(exporter, suffix, tmp_path):
    path = tmp_path / f"m{suffix}"
    exporter(network(), X, path)
    figures = validate_artifact(path, trusted=True)
    assert figures["new_state.1.z"]["spike_agreement"] == 1.0
    assert read_manifest(path).format in ("torchscript", "pt2", "onnx")


def test_validate_reports_a_tampered_reference_with_the_output_and_time_step(tmp_path):
    path = tmp_path / "m.onnx"
    to_onnx(snn.LI(), X, path)
    model = onnx.load(str(path))
    entry = next(p for p in model.metadata_props if p.key == REFERENCE_KEY)
    recorded = decode(entry.value)
    recorded["output"][2] += 1.0
    path.write_bytes(with_metadata(model.SerializeToString(), {REFERENCE_KEY: encode(recorded)}))  # re-signed
    with pytest.raises(ToleranceError, match="'output': differs from eager by up to 1 .* first at time step 2"):
        validate_artifact(path)


def test_reading_files_that_are_not_artifacts(tmp_path):
    (tmp_path / "junk.onnx").write_bytes(b"not a model")
    with pytest.raises(ArtifactError, match="not a readable"):
        read_manifest(tmp_path / "junk.onnx")
    with pytest.raises(ArtifactError, match="no such file"):
        read_manifest(tmp_path / "missing.onnx")
    to_onnx(snn.LI(), X, tmp_path / "plain.onnx", validate=False)
    assert read_manifest(tmp_path / "plain.onnx").validation == {}
    with pytest.raises(ArtifactError, match="exported without validation"):
        validate_artifact(tmp_path / "plain.onnx")


def test_step_artifact_size_does_not_depend_on_t(tmp_path):
    short = to_onnx(snn.LIF(), X[0], tmp_path / "a.onnx", step=True)
    long = to_onnx(snn.LIF(), torch.cat([X] * 4)[0], tmp_path / "b.onnx", step=True)
    assert short.manifest.time_steps is None and short.manifest.inputs[0].shape == [None, 3]
    assert abs(short.file_bytes - long.file_bytes) < 512


@pytest.mark.slow  # an AOTInductor build compiles C++
def test_aoti_package_runs_and_carries_the_manifest(tmp_path):
    path = tmp_path / "m.pt2"
    report = to_pt2(snn.LIFCell(), 300.0 * torch.rand(2, 3), path, step=True, aoti=True)
    assert report.manifest.format == "aoti" and report.validation["outputs"]["output"]["spike_agreement"] == 1.0
    assert read_manifest(path).mode == "step"
    runner = torch._inductor.aoti_load_package(str(path))
    x = 300.0 * torch.rand(5, 3)
    state = snn.LIFCell().initial_state(x)
    z, v, i = runner(x, state.v, state.i)
    expected, expected_state = snn.LIFCell()(x, state)
    assert torch.equal(z, expected) and torch.allclose(v, expected_state.v)
    assert validate_artifact(path, trusted=True)["output"]["spike_agreement"] == 1.0
