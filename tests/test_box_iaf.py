"""Known answers, reference loops and norse's documented behaviour of LIFBoxCell, LIBoxCell,
IAFCell and IAF (dt = 1 ms)."""

import pytest
import torch
from known_answers import assert_matches_reference, f64, reference_run, tensor

import snn_deploy as snn


def test_lif_box_cell_first_step_and_reset_methods():
    x = tensor([5.0, 15.0])
    z, state = snn.LIFBoxCell().double()(x)
    # v = 0 + 0.1 (x + 0 - 0) = [0.5, 1.5]: the second fires and resets to 0
    assert z.tolist() == [0.0, 1.0]
    torch.testing.assert_close(state.v, tensor([0.5, 0.0]))
    cell = snn.LIFBoxCell(snn.LIFBoxParameters(reset_method=snn.reset_subtract)).double()
    z, state = cell(x)
    torch.testing.assert_close(state.v, tensor([0.5, 0.5]))  # 1.5 - v_th
    torch.testing.assert_close(torch.jit.script(cell)(x)[1].v, tensor([0.5, 0.5]))


def test_lif_box_cell_runs_like_the_reference_loop():
    p = snn.LIFBoxParameters(tau_mem_inv=200.0, v_leak=0.1, v_th=0.9, v_reset=-0.1)

    def neuron(state, x):
        (v,) = state
        v = v + 0.001 * 200.0 * (x + 0.1 - v)
        fired = v > 0.9
        return fired, (-0.1 if fired else v,)

    currents = 3.0 * torch.rand(60, 4, generator=torch.Generator().manual_seed(2), dtype=f64)
    cell, state, spikes = snn.LIFBoxCell(p).double(), None, []
    for x in currents:
        z, state = cell(x.unsqueeze(0), state)
        spikes.append(z.squeeze(0))
    assert_matches_reference(torch.stack(spikes), state, reference_run(currents, (0.1,), neuron), ["v"])


def test_lif_box_cell_custom_reset_runs_eagerly_and_compiled_but_refuses_script():
    halve = lambda z, v, reset, th: v - z * v / 2  # noqa: E731
    cell = snn.LIFBoxCell(snn.LIFBoxParameters(reset_method=halve))
    z, state = cell(torch.tensor([15.0]))
    assert state.v.tolist() == [0.75]
    assert torch.compile(cell, fullgraph=True)(torch.tensor([15.0]))[1].v.tolist() == [0.75]
    with pytest.raises(TypeError, match="LIFBoxCell: only reset_value and reset_subtract script; got reset_method"):
        torch.jit.script(cell)


def test_li_box_cell_integrates_without_a_current():
    cell = snn.LIBoxCell(snn.LIBoxParameters(tau_mem_inv=500.0, v_leak=1.0)).double()
    v, state = cell(tensor([3.0]))
    # the initial state is v_leak: v = 1 + 0.5 (1 - 1 + 3) = 2.5
    assert v.tolist() == [2.5] and state.v.tolist() == [2.5]
    v, state = cell(tensor([0.0]), state)
    assert v.tolist() == [1.75]  # 2.5 + 0.5 (1 - 2.5)


def test_iaf_cell_and_layer_sum_inputs_without_leak():
    cell = snn.IAFCell().double()
    z, state = cell(tensor([0.4, 0.6]))
    z, state = cell(tensor([0.4, 0.6]), state)
    # v = [0.8, 1.2]: the second fires and resets to v_reset = 0
    assert z.tolist() == [0.0, 1.0] and state.v.tolist() == [0.8, 0.0]
    z, state = snn.IAF(snn.IAFParameters(v_reset=-0.5)).double()(tensor([[[0.6]], [[0.6]], [[0.6]]]))
    # v starts at v_reset = -0.5: 0.1, 0.7, 1.3 -> spike, reset to -0.5
    assert z.flatten().tolist() == [0.0, 0.0, 1.0] and state.v.item() == -0.5


def test_box_and_iaf_parameters_are_read_at_call_time():
    cell = snn.IAFCell()
    cell.v_th = torch.tensor(0.1)
    assert cell(torch.tensor([0.2]))[0].item() == 1.0
    out = torch.func.functional_call(snn.LIBoxCell(), {"tau_mem_inv": torch.tensor(1000.0)}, (torch.tensor([2.0]),))
    assert out[0].item() == pytest.approx(2.0)


@pytest.mark.parametrize("make", [snn.LIFBoxCell, snn.LIBoxCell, snn.IAFCell])
def test_box_and_iaf_cells_reject_bad_inputs_clearly(make):
    with pytest.raises(
        TypeError,
        match=rf"{make.__name__}: expected a floating-point input, got dtype torch.int64 \(bool spikes are taken too\)",
    ):
        make()(torch.ones(3, dtype=torch.int64))
    with pytest.raises(ValueError, match=make.__name__):
        make()(torch.ones(2, 3), make()(torch.ones(4))[1])


def test_norse_docstring_style_examples():
    # norse's LIFBoxCell / LIBoxCell / IAFCell are called like every cell: (input, state) -> (out, state)
    data = torch.randn(16, 20, 30)
    for cell in (snn.LIFBoxCell(), snn.LIBoxCell(), snn.IAFCell()):
        out, state = cell(data)
        assert out.shape == (16, 20, 30) and state.v.shape == (16, 20, 30)
    z, state = snn.IAF()(torch.zeros(10, 5, 2))
    assert z.shape == (10, 5, 2) and z.sum() == 0
