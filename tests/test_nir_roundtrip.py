"""``from_nir(to_nir(model))`` gives bit-identical outputs and states for every registry case NIR
can express, in memory and through a ``.nir`` file; every other case is a clear ``NIRError``."""

import pytest
import torch
from case_tools import T
from cases import CASES

from snn_deploy.export import model_kind
from snn_deploy.nir import NIRError, from_nir, read, to_nir, write
from snn_deploy.state import named_tensors

EXPRESSIBLE = {
    "LIFCell",
    "LIF",
    "LIFRecurrentCell",
    "LIFRecurrent",
    "LICell",
    "LI",
    "LILinearCell",
    "Lift",
    "LConv2d",
    "SequentialState",
    "LIFBoxCell",
    "LIBoxCell",
    "IAFCell",
    "IAF",
}


def _sequence_input(case, model):
    """``(T, B, ...)`` inputs drawn from the case (``T`` draws for a cell)."""
    generator = torch.Generator().manual_seed(14)
    if model_kind(model) == "cell":
        return torch.stack([case.inputs(generator, torch.float32)[0] for _ in range(T)])
    return case.inputs(generator, torch.float32)[0]


def _run_original(model, x):
    """The original's outputs over ``x`` and its final state as a flat list."""
    with torch.no_grad():
        if model_kind(model) == "cell":
            state, outputs = None, []
            for x_t in x:
                output, state = model(x_t, state)
                outputs.append(output)
            return torch.stack(outputs), [tensor for _, tensor in named_tensors(state)]
        result = model(x)
    if isinstance(result, tuple):
        return result[0], [tensor for _, tensor in named_tensors(result[1])]
    return result, []


@pytest.mark.parametrize("case", [c for c in CASES if c.name in EXPRESSIBLE], ids=lambda c: c.name)
@pytest.mark.parametrize("via", ["memory", "file"])
def test_round_trip_is_bit_identical(case, via, tmp_path):
    torch.manual_seed(0)
    model = case.make().eval()
    x = _sequence_input(case, model)
    sample_shape = list(x.shape[2:])
    graph = to_nir(model, sample_shape)
    if via == "file":
        graph = read(write(tmp_path / "model.nir", graph))
    imported = from_nir(graph)
    expected, expected_state = _run_original(model, x)
    with torch.no_grad():
        output, state = imported(x)
    assert torch.equal(output, expected)
    assert len(state) == len(expected_state)
    for name, got, want in zip(imported.state_names, state, expected_state):
        assert torch.equal(got, want), name
    if case.spiking:
        assert 0 < expected.sum() < expected.numel()  # the comparison covers both spikes and silence


@pytest.mark.parametrize("case", [c for c in CASES if c.name not in EXPRESSIBLE], ids=lambda c: c.name)
def test_models_without_nir_nodes_are_refused_by_name(case):
    torch.manual_seed(0)
    model = case.make()
    x = case.inputs(torch.Generator().manual_seed(0), torch.float32)[0]
    with pytest.raises(NIRError, match=type(model).__name__):
        to_nir(model, list(x.shape[1:]))


def test_graph_records_dt_and_neuron_parameters():
    import numpy as np

    import snn_deploy as snn
    from snn_deploy.functional.lif import LIFParameters

    p = LIFParameters(tau_syn_inv=torch.tensor([100.0, 200.0]), v_th=torch.tensor([0.5, 1.0]))
    graph = to_nir(snn.LIF(p, dt=1e-4), [2])
    node = graph.nodes["model"]
    assert graph.metadata["dt"] == 1e-4
    np.testing.assert_array_equal(node.tau_syn, [1 / 100.0, 1 / 200.0])
    np.testing.assert_array_equal(node.tau_mem, [1e-2, 1e-2])
    np.testing.assert_array_equal(node.w_in, [1 / 100.0 / 1e-4, 1 / 200.0 / 1e-4])
    np.testing.assert_array_equal(node.v_threshold, [0.5, 1.0])
    np.testing.assert_array_equal(node.r, [1.0, 1.0])
    assert graph.edges == [("input", "model"), ("model", "output")]


def test_layers_with_different_dt_are_refused():
    import snn_deploy as snn

    with pytest.raises(NIRError, match="dt=0.002"):
        to_nir(snn.SequentialState(snn.LIF(dt=0.001), snn.LI(dt=0.002)), [3])


def test_flattening_the_time_axis_is_refused():
    with pytest.raises(NIRError, match="time or batch axis"):
        to_nir(torch.nn.Flatten(0), [3])


def test_box_lif_with_subtractive_reset_is_refused():
    import snn_deploy as snn
    from snn_deploy.functional.reset import reset_subtract

    cell = snn.LIFBoxCell(snn.LIFBoxParameters(reset_method=reset_subtract))
    with pytest.raises(NIRError, match="reset_method must be reset_value"):
        to_nir(cell, [3])


def test_write_takes_a_graph_only(tmp_path):
    with pytest.raises(NIRError, match="expected a nir.NIRGraph to write, got dict"):
        write(tmp_path / "x.nir", {})
    assert not (tmp_path / "x.nir").exists()
