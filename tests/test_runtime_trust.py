"""Hostile artifacts opened without opting in are refused, and their payload never runs;
with ``trusted=True`` (``--trust``) legitimate TorchScript and .pt2 artifacts still load."""

from pathlib import Path
from typing import Dict, Tuple

import numpy as np
import pytest
from hostile_artifacts import (
    aoti_constructor,
    opaque_constant,
    pickled_weights,
    renamed,
    setstate_file_write,
    zip_bomb,
)
from runtime_models import FEATURES, Artifacts, inputs

from snn_deploy import runtime
from snn_deploy.cli import main
from snn_deploy.errors import ArtifactError, UntrustedArtifactError
from snn_deploy.export import read_manifest, validate_artifact

CODE = ["pickled_weights", "opaque_constant", "setstate", "aoti_constructor"]
MISMATCHED = ["pt2_named_onnx", "ts_named_onnx", "zip_bomb"]


@pytest.fixture(scope="module")
def hostile(artifacts: Artifacts, tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("hostile")
    pt2, ts = artifacts.path("pt2", "step"), artifacts.path("torchscript", "step")
    return {
        "pickled_weights": pickled_weights(pt2, folder),
        "opaque_constant": opaque_constant(pt2, folder),
        "setstate": setstate_file_write(ts, folder),
        "aoti_constructor": aoti_constructor(pt2, folder),
        "pt2_named_onnx": renamed(folder / "pickled_weights.pt2", folder, "pickled.onnx"),
        "ts_named_onnx": renamed(folder / "setstate.ts", folder, "setstate.onnx"),
        "zip_bomb": zip_bomb(ts, folder),
    }


@pytest.mark.parametrize("name", CODE + MISMATCHED)
def test_load_refuses_and_nothing_runs(hostile, name: str):
    path, marker = hostile[name]
    expected = UntrustedArtifactError if name in CODE else ArtifactError
    with pytest.raises(expected) as caught:
        runtime.load(path)
    if name in CODE:
        assert "trusted=True" in str(caught.value) and "--trust" in str(caught.value)
    assert not marker.exists()


@pytest.mark.parametrize("name", MISMATCHED)
def test_mismatched_content_is_refused_even_when_trusted(hostile, name: str):
    path, marker = hostile[name]
    message = "decompression bomb" if name == "zip_bomb" else "named .onnx but holds a zip archive"
    with pytest.raises(ArtifactError, match=message):
        runtime.load(path, trusted=True)
    assert not marker.exists()


@pytest.mark.parametrize("command", ["inspect", "validate", "run", "bench"])
@pytest.mark.parametrize("name", CODE + MISMATCHED)
def test_every_command_that_runs_the_artifact_refuses_without_trust(hostile, name: str, command: str, tmp_path, capsys):
    path, marker = hostile[name]
    np.save(tmp_path / "x.npy", np.zeros((1, FEATURES), np.float32))
    extra = {"run": ["--input", str(tmp_path / "x.npy")], "bench": ["--steps", "2"]}.get(command, [])
    if command == "inspect" and name in CODE:  # inspect reads the manifest as data: nothing runs
        assert main([command, str(path)]) == 0
        assert "step" in capsys.readouterr().out
    else:
        assert main([command, str(path), *extra]) == 1
        error = capsys.readouterr().err
        assert len(error.strip().splitlines()) == 1
        assert ("--trust" in error) == (name in CODE)
    assert not marker.exists()


@pytest.mark.parametrize("name", CODE)
def test_reading_the_manifest_never_runs_the_payload(hostile, name: str):
    path, marker = hostile[name]
    assert read_manifest(path).mode == "step"  # the manifest is data: readable without trust
    with pytest.raises(UntrustedArtifactError):
        validate_artifact(path)
    assert not marker.exists()


@pytest.mark.parametrize("fmt", ["torchscript", "pt2"])
def test_legitimate_code_artifacts_load_with_the_opt_in(artifacts: Artifacts, fmt: str, capsys):
    path = artifacts.path(fmt, "step")
    with pytest.raises(UntrustedArtifactError, match=f"a {fmt} artifact is a program"):
        runtime.load(path)
    x = inputs(1, 2)[0].numpy() * 2
    trusted = runtime.load(path, trusted=True)
    onnx = runtime.load(artifacts.path("onnx", "step"))
    np.testing.assert_array_equal(trusted.run(x)[0], onnx.run(x)[0])
    assert main(["inspect", "--trust", str(path)]) == 0
    assert f"{fmt} artifact" in capsys.readouterr().out
    assert main(["validate", "--trust", str(path)]) == 0


def test_an_onnx_file_named_like_torchscript_is_refused(artifacts: Artifacts, tmp_path):
    target = tmp_path / "model.ts"
    target.write_bytes(artifacts.path("onnx", "step").read_bytes())
    with pytest.raises(ArtifactError, match="must be a zip archive"):
        runtime.load(target, trusted=True)


def test_a_pt2_named_ts_is_refused(artifacts: Artifacts, tmp_path):
    target = tmp_path / "model.ts"
    target.write_bytes(artifacts.path("pt2", "step").read_bytes())
    with pytest.raises(ArtifactError, match="named torchscript .* holds a pt2 archive"):
        runtime.load(target, trusted=True)


def test_the_torch_backend_itself_refuses_without_the_opt_in(artifacts: Artifacts):
    from snn_deploy.formats import read_artifact
    from snn_deploy.runtime.torch_backend import TorchBackend

    artifact = read_artifact(artifacts.path("torchscript", "step"))
    with pytest.raises(UntrustedArtifactError, match="trusted=True"):
        TorchBackend(artifact, "cpu", None)
    assert TorchBackend(artifact, "cpu", None, trusted=True).signature.mode == "step"


def test_export_refuses_a_format_its_suffix_does_not_name(tmp_path):
    import torch

    import snn_deploy as snn
    from snn_deploy.errors import ExportError
    from snn_deploy.export import export

    with pytest.raises(ExportError, match="a torchscript artifact is named .ts/.pt"):
        export(snn.LIF(), torch.rand(3, 2, 4), tmp_path / "m.onnx", format="torchscript")
    report = export(snn.LIF(), torch.rand(3, 2, 4), tmp_path / "m.pt", format="torchscript", validate=False)
    assert report.manifest.format == "torchscript"
