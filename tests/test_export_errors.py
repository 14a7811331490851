"""Bad calls get clear errors and leave no file behind."""

import pytest
import torch
from torch import nn

import snn_deploy as snn
from snn_deploy.errors import ExportError, ToleranceError
from snn_deploy.export import export, model_kind, to_onnx, to_pt2, to_torchscript


def lif_network():
    return snn.SequentialState(snn.Lift(nn.Linear(3, 4)), snn.LIF())


X = 50.0 * torch.rand(4, 2, 3, generator=torch.Generator().manual_seed(0))


class ConstantCurrentEncoder(nn.Module):
    """A deterministic encoder: repeats the input current for seq_length steps."""

    def __init__(self, seq_length):
        super().__init__()
        self.seq_length = seq_length

    def forward(self, x):
        return torch.stack([x] * self.seq_length)


class RandomEncoder(ConstantCurrentEncoder):
    def forward(self, x):
        return (torch.rand((self.seq_length, *x.shape)) < x).float()


class Stateful(nn.Module):
    def forward(self, x, state=None):
        return x, state


def test_unsupported_modules_are_named(tmp_path):
    cases = [
        (snn.SequentialState(nn.RNN(3, 4)), "'0' \\(RNN\\): torch RNN layers are not supported"),
        (snn.SequentialState(snn.LIF(), Stateful()), "'1' \\(Stateful\\) keeps a state but has no initial_state"),
        (snn.SequentialState(snn.LIF(), snn.RegularizationCell()), "RegularizationCell\\) keeps its running total"),
    ]
    for model, message in cases:
        with pytest.raises(ExportError, match=message):
            to_torchscript(model, X, tmp_path / "m.ts")
    with pytest.raises(ExportError, match="expected a torch.nn.Module"):
        to_pt2(lambda x: x, X, tmp_path / "m.pt2")
    assert not list(tmp_path.iterdir())


def test_wrong_example_inputs_are_refused_with_the_expected_layout(tmp_path):
    with pytest.raises(ExportError, match="expected a floating-point tensor, got dtype torch.int64"):
        to_pt2(snn.LIF(), torch.ones(4, 2, 3, dtype=torch.long), tmp_path / "m.pt2")
    with pytest.raises(ExportError, match="expected a floating-point tensor, got list"):
        to_pt2(snn.LIF(), [1.0], tmp_path / "m.pt2")
    with pytest.raises(
        ExportError, match=r"sequence mode: expected a tensor of shape \(time, batch, ...\), got shape \(3,\)"
    ):
        to_pt2(snn.LIF(), torch.ones(3), tmp_path / "m.pt2")
    with pytest.raises(ExportError, match="wrong example input: LIFRecurrent fails .*expected 4 input features"):
        to_pt2(snn.LIFRecurrent(4, 2), X, tmp_path / "m.pt2")
    assert not list(tmp_path.iterdir())


def test_unwritable_paths_and_existing_files(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="directory .*file does not exist"):
        to_pt2(snn.LIF(), X, tmp_path / "file" / "m.pt2")
    with pytest.raises(ExportError, match="does not exist"):
        to_pt2(snn.LIF(), X, tmp_path / "missing" / "m.pt2")
    with pytest.raises(ExportError, match="is a directory"):
        to_pt2(snn.LIF(), X, tmp_path)
    with pytest.raises(ExportError, match="cannot tell the format"):
        export(snn.LIF(), X, tmp_path / "m.bin")
    target = tmp_path / "m.pt2"
    target.write_bytes(b"old")
    with pytest.raises(ExportError, match="already exists; pass overwrite=True"):
        to_pt2(snn.LIF(), X, target)
    assert target.read_bytes() == b"old"
    report = export(snn.LIF(), X, target, overwrite=True)
    assert report.manifest.format == "pt2" and target.read_bytes() != b"old"


def test_a_failing_export_or_validation_leaves_no_file(tmp_path):
    class DataDependent(nn.Module):
        def forward(self, x):
            return x * 2 if float(x.sum()) > 0 else x

    class DiffersWhenExported(nn.Module):
        def forward(self, x):
            return x + 1e-2 if torch.compiler.is_compiling() else x

    with pytest.raises(ExportError, match="torch.export failed for DataDependent"):
        to_pt2(DataDependent(), X, tmp_path / "a.pt2")
    with pytest.raises(ToleranceError, match="'output': differs from eager by up to 0.01 .* first at time step 0"):
        to_pt2(DiffersWhenExported(), X, tmp_path / "b.pt2")
    assert not list(tmp_path.iterdir())


def test_encoders_export_in_sequence_mode_only(tmp_path):
    encoder = ConstantCurrentEncoder(5)
    assert model_kind(encoder) == "encoder" and model_kind(snn.SequentialState(encoder, snn.LIF())) == "encoder"
    report = to_onnx(snn.SequentialState(encoder, snn.LIF()), 30.0 * torch.rand(2, 3), tmp_path / "e.onnx")
    assert report.manifest.time_steps == 5 and report.manifest.inputs[0].shape == [None, 3]
    with pytest.raises(ExportError, match="is an encoder: .*export it in sequence mode"):
        to_onnx(encoder, torch.rand(2, 3), tmp_path / "s.onnx", step=True)


def test_random_encoders_are_refused_never_exported_as_a_constant_spike_train(tmp_path):
    with pytest.raises(ExportError, match="draws random numbers"):
        to_onnx(RandomEncoder(4), torch.rand(2, 3), tmp_path / "r.onnx")
    assert not list(tmp_path.iterdir())


def test_the_model_keeps_its_training_mode(tmp_path):
    model = lif_network().train()
    to_torchscript(model, X, tmp_path / "m.ts")
    assert model.training
