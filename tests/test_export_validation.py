"""Export validates the artifact it wrote through the runtime, run the way users run it: a
runtime that chunks, steps or streams wrongly fails the export. Also what the manifest records
of the layout and the time step."""

import numpy as np
import pytest
import torch
from torch import nn

import snn_deploy as snn
from snn_deploy import runtime
from snn_deploy.artifact.layout import Kind, Layout, Mode
from snn_deploy.errors import ExportError, ValidationError
from snn_deploy.export import layout_of, model_kind, to_onnx, to_torchscript
from snn_deploy.formats import AOTI, ONNX, PT2, manifest_format
from snn_deploy.runtime.session import Session
from snn_deploy.runtime.stream import Stream

X = 2.0 * torch.rand(4, 2, 3, generator=torch.Generator().manual_seed(0))


def _forgetful_stream_step(monkeypatch):
    """Make every stream drop its state before each step (it restarts from the initial state)."""
    step = Stream.step

    def forgetful(self, x_t):
        self.reset()
        return step(self, x_t)

    monkeypatch.setattr(Stream, "step", forgetful)


@pytest.mark.parametrize("exporter", [to_onnx, to_torchscript], ids=["onnx", "torchscript"])
def test_a_stream_that_drops_its_state_fails_the_export(tmp_path, monkeypatch, exporter):
    suffix = ".onnx" if exporter is to_onnx else ".ts"
    exporter(snn.LIFCell(), X[0], tmp_path / f"good{suffix}", step=True)  # the runtime as it is passes
    _forgetful_stream_step(monkeypatch)
    with pytest.raises(ValidationError, match=r"\(3 steps streamed\)"):
        exporter(snn.LIFCell(), X[0], tmp_path / f"m{suffix}", step=True)
    assert not (tmp_path / f"m{suffix}").exists()  # nothing left behind


def test_chunks_that_do_not_carry_the_state_fail_the_export(tmp_path, monkeypatch):
    def each_chunk_from_the_given_state(self, x, values, batch):
        steps = self.time_steps
        outputs = []
        for start in range(0, x.shape[0], steps):
            (output,), new_values = self._call(self._backend, [x[start : start + steps]], values)
            outputs.append(output)
        return np.concatenate(outputs), new_values

    monkeypatch.setattr(Session, "_run_sequence", each_chunk_from_the_given_state)
    with pytest.raises(ValidationError, match=r"\(2 chunks\)"):
        to_onnx(snn.LIF(), X, tmp_path / "m.onnx")


def test_steps_in_one_run_that_do_not_carry_the_state_fail_the_export(tmp_path, monkeypatch):
    def each_step_from_the_given_state(self, x, values, batch):
        return np.stack([self._step(x_t, values, batch)[0] for x_t in x]), values

    monkeypatch.setattr(Session, "_run_sequence", each_step_from_the_given_state)
    with pytest.raises(ValidationError, match=r"\(3 steps in one run\)"):
        to_onnx(snn.LIFCell(), X[0], tmp_path / "m.onnx", step=True)


def test_the_validation_names_the_runtime_checks(tmp_path):
    step = to_onnx(snn.LIFCell(), X[0], tmp_path / "s.onnx", step=True).validation["runtime_checks"]
    assert step == ["one call", "3 steps in one run", "3 steps streamed"]
    sequence = to_onnx(snn.LIF(), X, tmp_path / "q.onnx").validation["runtime_checks"]
    assert sequence == ["one call", "2 chunks in one run"]
    encoder = to_onnx(snn.ConstantCurrentLIFEncoder(5), X[0], tmp_path / "e.onnx").validation["runtime_checks"]
    assert encoder == ["one call"]


def test_export_opens_the_artifact_with_the_runtime(tmp_path, monkeypatch):
    opened = []
    load = runtime.load

    def recording_load(path, *args, **kwargs):
        opened.append((path.name, kwargs.get("trusted")))
        return load(path, *args, **kwargs)

    monkeypatch.setattr(runtime, "load", recording_load)
    to_torchscript(snn.LIFCell(), X[0], tmp_path / "m.ts", step=True)
    assert opened == [("m.ts", True)]  # under its own name, in the export's private folder


def test_torchscript_export_does_not_run_torch_export(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("torch.export.export called for a TorchScript artifact")

    monkeypatch.setattr(torch.export, "export", refuse)
    report = to_torchscript(snn.LIF(), X, tmp_path / "m.ts")
    assert report.manifest.format == "torchscript" and report.validation["passed"]


def test_the_manifest_carries_the_layout(tmp_path):
    manifest = to_onnx(snn.LIFCell(), X, tmp_path / "m.onnx", validate=False).manifest
    assert manifest.layout == Layout(Mode.SEQUENCE, Kind.CELL)
    assert (manifest.mode, manifest.model["kind"]) == ("sequence", "cell")
    session = runtime.load(tmp_path / "m.onnx")
    assert session.layout == Layout(Mode.SEQUENCE, Kind.CELL) and session.signature.chunk_steps == 4
    assert layout_of(snn.LIF(), True) == Layout(Mode.STEP, Kind.SEQUENCE)
    assert model_kind(snn.ConstantCurrentLIFEncoder(5)) is Kind.ENCODER


@pytest.mark.parametrize(
    "layout, batch_axis, chunked",
    [
        (Layout(Mode.SEQUENCE, Kind.CELL), 1, True),
        (Layout(Mode.SEQUENCE, Kind.SEQUENCE), 1, True),
        (Layout(Mode.SEQUENCE, Kind.ENCODER), 0, False),
        (Layout(Mode.SEQUENCE, None), 1, True),
        (Layout(Mode.STEP, Kind.CELL), 0, False),
        (Layout(Mode.STEP, Kind.SEQUENCE), 0, False),
    ],
)
def test_a_layout_says_how_one_call_is_laid_out(layout, batch_axis, chunked):
    assert (layout.input_batch_axis, layout.is_chunked) == (batch_axis, chunked)
    assert layout.loops_cell == (layout.kind is Kind.CELL and layout.mode is Mode.SEQUENCE)
    assert layout.steps_sequence == (layout.kind is Kind.SEQUENCE and layout.mode is Mode.STEP)


def test_aoti_is_a_format_in_the_manifest_and_earlier_manifests_still_read(tmp_path):
    manifest = to_onnx(snn.LIFCell(), X[0], tmp_path / "m.onnx", step=True, validate=False).manifest
    assert manifest_format(manifest) is ONNX
    manifest.format = "aoti"
    assert manifest_format(manifest) is AOTI
    manifest.format, manifest.options = "pt2", {"aoti": True}  # written before aoti was a format
    assert manifest_format(manifest) is AOTI
    manifest.options = {}
    assert manifest_format(manifest) is PT2


def test_layers_with_different_dt_are_refused(tmp_path):
    model = snn.SequentialState(snn.Lift(nn.Linear(3, 3)), snn.LIF(dt=1e-3), snn.LI(dt=5e-4))
    with pytest.raises(ExportError, match=r"'2' \(LI\) has dt=0.0005, '1' dt=0.001"):
        to_onnx(model, X, tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()
    same = snn.SequentialState(snn.LIF(dt=5e-4), snn.LI(dt=5e-4))
    assert to_onnx(same, X, tmp_path / "same.onnx", validate=False).manifest.dt == 5e-4
