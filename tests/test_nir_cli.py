"""``snn-deploy to-nir`` and ``snn-deploy export model.nir``."""

import re
from pathlib import Path

import numpy as np
import onnxruntime
import pytest
import torch

import snn_deploy as snn
from snn_deploy.cli import main
from snn_deploy.export import read_manifest
from snn_deploy.nir import from_nir, read

FIXTURES = Path(__file__).parent / "fixtures" / "nir"


def test_to_nir_then_export_the_nir_file_to_onnx(tmp_path, capsys):
    graph_path, onnx_path = tmp_path / "lif.nir", tmp_path / "lif.onnx"
    assert main(["to-nir", "snn_deploy:LIF", "--input-shape", "5", "--output", str(graph_path)]) == 0
    assert "3 nodes, 2 edges" in capsys.readouterr().out
    assert type(read(graph_path).nodes["model"]).__name__ == "CubaLIF"
    argv = ["export", str(graph_path), "--output", str(onnx_path), "-T", "16", "-B", "4", "--dt", "1e-3"]
    assert main(argv + ["--input-scale", "400"]) == 0
    manifest = read_manifest(onnx_path)
    assert manifest.time_steps == 16 and manifest.validation["passed"]
    x = 40 * torch.rand(16, 3, 5, generator=torch.Generator().manual_seed(5))
    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    state = [np.full((3, 5), 0.0, np.float32), np.zeros((3, 5), np.float32)]
    names = [value.name for value in session.get_inputs()]
    served = session.run(None, dict(zip(names, [x.numpy(), *state])))[0]
    with torch.no_grad():
        expected, _ = snn.LIF()(x)
    np.testing.assert_array_equal(served, expected.numpy())
    assert 0 < served.sum() < served.size


def test_export_an_snntorch_graph_in_step_mode(tmp_path, capsys):
    path = tmp_path / "rsynaptic_step.pt2"
    argv = ["export", str(FIXTURES / "snntorch_rsynaptic.nir"), "-o", str(path), "--dt", "1e-4", "--mode", "step"]
    assert main(argv) == 0
    assert "pt2 step artifact" in capsys.readouterr().out
    model = from_nir(FIXTURES / "snntorch_rsynaptic.nir", dt=1e-4)
    x = torch.rand(3, 4)
    state = model.initial_state(x[None])
    program = torch.export.load(str(path)).module()
    with torch.no_grad():
        expected, expected_state = model.step(x, state)
        output, *new_state = program(x, *state)
    assert torch.equal(output, expected) and all(torch.equal(a, b) for a, b in zip(new_state, expected_state))


def test_export_a_graph_whose_input_type_holds_a_batch_axis(tmp_path):
    """norse 1.1 writes the Input type [1, 4]: as the graph says, or with --input-shape 4."""
    source = str(FIXTURES / "norse_lif_box.nir")
    argv = ["export", source, "--dt", "1e-6", "-T", "4", "--input-scale", "300"]
    assert main(argv + ["-o", str(tmp_path / "as_written.ts")]) == 0
    assert main(argv + ["-o", str(tmp_path / "per_sample.ts"), "--input-shape", "4"]) == 0
    assert read_manifest(tmp_path / "as_written.ts").inputs[0].shape == [4, None, 1, 4]
    assert read_manifest(tmp_path / "per_sample.ts").inputs[0].shape == [4, None, 4]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["to-nir", "snn_deploy:LSNNCell", "--input-shape", "3", "-o", "x.nir"], r"'model' \(LSNNCell\)"),
        (["to-nir", "snn_deploy:LIF", "-o", "x.nir"], "pass --input-shape"),
        (["export", "missing.nir", "-o", "x.onnx"], "no NIR file at missing.nir"),
        (["export", "plain.nir", "-o", "x.onnx"], "the graph records no time step: pass dt"),
    ],
)
def test_errors_print_one_line_and_exit_non_zero(argv, message, tmp_path, monkeypatch, capsys):
    import nir
    from nir_graphs import cuba_lif, graph, io

    monkeypatch.chdir(tmp_path)
    nir.write("plain.nir", graph(io(2) | {"lif": cuba_lif(2)}, [("input", "lif"), ("lif", "output")]))
    assert main(argv) == 1
    error = capsys.readouterr().err
    assert len(error.strip().splitlines()) == 1
    assert re.search(message, error), error


def test_existing_nir_file_is_refused(tmp_path, capsys):
    path = tmp_path / "taken.nir"
    path.write_bytes(b"keep")
    assert main(["to-nir", "snn_deploy:LIF", "--input-shape", "2", "-o", str(path)]) == 1
    assert "--overwrite" in capsys.readouterr().err and path.read_bytes() == b"keep"
