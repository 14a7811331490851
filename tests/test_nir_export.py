"""Imported NIR graphs compile fullgraph, script, and export to every format (step artifacts
included) like any other model; an imported snntorch network served by the runtime."""

from pathlib import Path

import numpy as np
import pytest
import torch
from export_tools import stock_runner
from helpers import assert_same_outputs
from nir_graphs import box_chain, branching_recurrent

from snn_deploy import runtime
from snn_deploy.export import to_onnx, to_pt2, to_torchscript
from snn_deploy.nir import from_nir

FIXTURES = Path(__file__).parent / "fixtures" / "nir"
MODELS = {
    "branching_recurrent": (lambda: from_nir(branching_recurrent()), (3,), 1.0),
    "snntorch_conv_synaptic": (lambda: from_nir(FIXTURES / "snntorch_conv_synaptic.nir", dt=1e-4), (1, 8, 8), 1.5),
    "snntorch_conv_leaky": (lambda: from_nir(FIXTURES / "snntorch_conv_leaky.nir", dt=1e-4), (1, 8, 8), 1.5),
    "spikingjelly_if": (lambda: from_nir(FIXTURES / "spikingjelly_if.nir", dt=1e-4), (4,), 0.5),
    "box_chain": (lambda: from_nir(box_chain()), (3,), 1.0),
}


def _input(name, length, batch, seed=0):
    _, shape, scale = MODELS[name]
    return scale * torch.rand(length, batch, *shape, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("name", MODELS)
def test_imported_graph_compiles_fullgraph_and_scripts(name):
    model = MODELS[name][0]().eval()
    x = _input(name, 6, 2)
    with torch.no_grad():
        expected = model(x)
        assert_same_outputs(torch.compile(model, fullgraph=True)(x), expected)
        scripted = torch.jit.script(model)
        output, state = scripted(x)
    assert torch.equal(output, expected[0]) and all(torch.equal(a, b) for a, b in zip(state, expected[1]))


TARGETS = {
    "onnx": (to_onnx, ".onnx"),
    "torchscript": (to_torchscript, ".ts"),
    "pt2": (to_pt2, ".pt2"),
}


@pytest.mark.parametrize("step", [False, True], ids=["sequence", "step"])
@pytest.mark.parametrize("format_name", TARGETS)
def test_imported_graph_exports_and_matches_eager_on_new_inputs(format_name, step, tmp_path):
    exporter, suffix = TARGETS[format_name]
    model = MODELS["branching_recurrent"][0]().eval()
    example = _input("branching_recurrent", 4, 2)
    path = tmp_path / f"model{suffix}"
    report = exporter(model, example[0] if step else example, path, step=step)
    assert report.validation["passed"]
    fresh = _input("branching_recurrent", 4, 5, seed=7)
    state = model.initial_state(fresh)
    with torch.no_grad():
        if step:
            output, new_state = model(fresh[:1], state)
            expected = [output[0], *new_state]
        else:
            output, new_state = model(fresh, state)
            expected = [output, *new_state]
    actual = stock_runner(path, format_name)([fresh[0] if step else fresh, *state])
    assert_same_outputs(actual, expected)
    assert 0 < expected[1].sum() < expected[1].numel()  # the recurrent spikes in the state


def test_imported_snntorch_network_served_by_the_runtime_gives_the_same_spikes(tmp_path):
    model = from_nir(FIXTURES / "snntorch_rsynaptic.nir", dt=1e-4).eval()
    x = torch.from_numpy(np.load(FIXTURES / "snntorch_rsynaptic.npz")["input"])
    to_onnx(model, x[:4], tmp_path / "rsynaptic.onnx")
    to_onnx(model, x[0], tmp_path / "rsynaptic_step.onnx", step=True)
    session = runtime.load(tmp_path / "rsynaptic.onnx", step_artifact=tmp_path / "rsynaptic_step.onnx")
    served, state = session.run(x.numpy())  # 25 steps: six calls of 4, then one step
    with torch.no_grad():
        expected, expected_state = model(x)
    np.testing.assert_array_equal(served, expected.numpy())
    assert 0 < served.sum() < served.size
    np.testing.assert_array_equal(state["0"], expected_state[0].numpy())
