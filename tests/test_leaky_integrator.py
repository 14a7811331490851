"""Known answers of the leaky integrator modules."""

import torch

import snn_deploy as snn

f64 = torch.float64


def test_default_parameters_and_fields_match_norse():
    p = snn.LIParameters()
    assert (p.tau_syn_inv, p.tau_mem_inv, p.v_leak) == (200.0, 100.0, 0.0)
    assert snn.LIState._fields == ("v", "i")


def test_li_cell_integrates_then_decays_the_current():
    cell = snn.LICell().double()
    v, s = cell(torch.tensor([10.0], dtype=f64))
    # i = 10; v = 0 + 0.1 (0 - 0 + 10) = 1; i <- 0.8 i
    torch.testing.assert_close(v, torch.tensor([1.0], dtype=f64))
    torch.testing.assert_close(s.i, torch.tensor([8.0], dtype=f64))
    v, s = cell(torch.tensor([0.0], dtype=f64), s)
    # v = 1 + 0.1 (-1 + 8) = 1.7
    torch.testing.assert_close(v, torch.tensor([1.7], dtype=f64))
    torch.testing.assert_close(s.i, torch.tensor([6.4], dtype=f64))


def test_li_layer_with_non_default_parameters_equals_the_cell_per_step():
    p = snn.LIParameters(tau_syn_inv=20.0, tau_mem_inv=40.0, v_leak=-0.5)
    x = torch.randn(7, 2, 3, dtype=f64)
    outputs, final = snn.LI(p, dt=0.002).double()(x)
    cell, state = snn.LICell(p, dt=0.002).double(), None
    for t in range(7):
        v, state = cell(x[t], state)
        torch.testing.assert_close(outputs[t], v)
    torch.testing.assert_close(final.i, state.i)
    assert snn.LICell(p).initial_state(x[0]).v.unique().tolist() == [-0.5]


def test_li_linear_cell_weights_the_input():
    cell = snn.LILinearCell(2, 1).double()
    with torch.no_grad():
        cell.input_weights.copy_(torch.tensor([[2.0, 1.0]]))
    v, s = cell(torch.tensor([[1.0, 3.0]], dtype=f64))
    # i = 2*1 + 1*3 = 5; v = 0.1 * 5
    torch.testing.assert_close(v, torch.tensor([[0.5]], dtype=f64))
    torch.testing.assert_close(s.i, torch.tensor([[4.0]], dtype=f64))
    assert cell.input_weights.shape == (1, 2)
