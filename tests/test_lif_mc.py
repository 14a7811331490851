"""Known answers of the multi-compartment LIF cells from their equations (dt = 1 ms)."""

import pytest
import torch
from known_answers import f64, tensor

import snn_deploy as snn

W_IN = [[1.0, 0.0], [0.0, 1.0]]
G = [[-100.0, 200.0], [50.0, 0.0]]


def mc_cell(cls=snn.LIFMCRecurrentCell):
    return cls(2, 2, g_coupling=tensor(G), input_weights=tensor(W_IN), recurrent_weights=torch.zeros(2, 2)).double()


def test_coupling_is_added_after_the_lif_step_and_its_reset():
    cell = mc_cell()
    z, s = cell(tensor([[5.0, 8.0]]))
    # LIF: i = [5, 8], v = 0.1 i = [0.5, 0.8]; coupling v += dt G v = [0.5 + 0.11, 0.8 + 0.025]
    assert z.tolist() == [[0.0, 0.0]]
    torch.testing.assert_close(s.v, tensor([[0.61, 0.825]]))
    torch.testing.assert_close(s.i, tensor([[4.0, 6.4]]))
    z, s = cell(tensor([[0.0, 0.0]]), s)
    # LIF: v = [0.61 + 0.1 (4 - 0.61), 0.825 + 0.1 (6.4 - 0.825)] = [0.949, 1.3825] -> neuron 1 fires
    # and resets to 0; coupling: v = [0.949 - 0.0949, 0 + 0.05 * 0.949]
    assert z.tolist() == [[0.0, 1.0]] and s.z.tolist() == [[0.0, 1.0]]
    torch.testing.assert_close(s.v, tensor([[0.8541, 0.04745]]))
    torch.testing.assert_close(s.i, tensor([[3.2, 5.12]]))


def test_zero_coupling_is_the_recurrent_lif_cell():
    torch.manual_seed(0)
    lif = snn.LIFRecurrentCell(3, 4)
    mc = snn.LIFMCRecurrentCell(
        3, 4, g_coupling=torch.zeros(4, 4), input_weights=lif.input_weights, recurrent_weights=lif.recurrent_weights
    )
    x = 40.0 * torch.rand(10, 2, 3)
    s_lif = s_mc = None
    for x_t in x:
        z_lif, s_lif = lif(x_t, s_lif)
        z_mc, s_mc = mc(x_t, s_mc)
        assert torch.equal(z_lif, z_mc)
    assert z_lif.sum() > 0 and torch.equal(s_lif.v, s_mc.v)


def test_default_coupling_is_a_learnable_normal_matrix_scaled_by_one_over_sqrt_hidden():
    torch.manual_seed(0)
    for cls in (snn.LIFMCRecurrentCell, snn.LIFMCRefracRecurrentCell):
        cell = cls(10, 200)
        assert isinstance(cell.g_coupling, torch.nn.Parameter) and cell.g_coupling.shape == (200, 200)
        assert cell.g_coupling.std().item() == pytest.approx(200**-0.5, rel=0.02)


def test_given_coupling_becomes_a_parameter_that_follows_to():
    cell = mc_cell().to(f64)
    assert "g_coupling" in dict(cell.named_parameters())
    assert cell.g_coupling.dtype == f64 and cell.g_coupling.tolist() == G


def test_coupling_of_the_wrong_shape_is_refused():
    with pytest.raises(
        ValueError, match=r"LIFMCRecurrentCell: g_coupling: expected weights of shape \(3, 3\), got \(2, 3\)"
    ):
        snn.LIFMCRecurrentCell(2, 3, g_coupling=torch.zeros(2, 3))


def test_refractory_variant_blocks_the_spike_and_holds_the_voltage_against_the_coupling():
    x0, x1 = tensor([[5.0, 30.0]]), tensor([[0.0, 0.0]])
    z, s = mc_cell(snn.LIFMCRefracRecurrentCell)(x0)
    # LIF: v = [0.5, 3.0] -> neuron 1 fires and resets; coupling: v = [0.5 - 0.05, 0 + 0.025]
    assert z.tolist() == [[0.0, 1.0]]
    torch.testing.assert_close(s.lif.v, tensor([[0.45, 0.025]]))
    torch.testing.assert_close(s.rho, tensor([[0.0, 5.0]]))
    z, s = mc_cell(snn.LIFMCRefracRecurrentCell)(x1, s)
    # neuron 0: v = 0.45 + 0.1 (4 - 0.45) = 0.805, coupled: 0.805 - 0.0805 = 0.7245;
    # neuron 1 would fire (v = 2.4225) but is refractory: no spike, v held at 0.025, rho 5 -> 4
    assert z.tolist() == [[0.0, 0.0]] and s.lif.z.tolist() == [[0.0, 0.0]]
    torch.testing.assert_close(s.lif.v, tensor([[0.7245, 0.025]]))
    torch.testing.assert_close(s.lif.i, tensor([[3.2, 19.2]]))
    torch.testing.assert_close(s.rho, tensor([[0.0, 4.0]]))
    z, _ = mc_cell()(x1, mc_cell()(x0)[1])
    assert z.tolist() == [[0.0, 1.0]]  # without the refractory period neuron 1 fires again


def test_refractory_variant_without_spikes_is_the_multi_compartment_cell():
    torch.manual_seed(2)
    mc = snn.LIFMCRecurrentCell(3, 4)
    refrac = snn.LIFMCRefracRecurrentCell(
        3, 4, g_coupling=mc.g_coupling, input_weights=mc.input_weights, recurrent_weights=mc.recurrent_weights
    )
    x = torch.rand(5, 2, 3)
    s_mc = s_refrac = None
    for x_t in x:
        z_mc, s_mc = mc(x_t, s_mc)
        z_refrac, s_refrac = refrac(x_t, s_refrac)
    assert z_mc.sum() == 0 and z_refrac.sum() == 0
    torch.testing.assert_close(s_refrac.lif.v, s_mc.v)


def test_wrong_features_and_state_are_clear_errors():
    with pytest.raises(
        ValueError, match="LIFMCRefracRecurrentCell: expected 2 input features in the last dimension, got 3"
    ):
        mc_cell(snn.LIFMCRefracRecurrentCell)(torch.zeros(1, 3, dtype=f64))
    _, state = mc_cell()(torch.zeros(1, 2, dtype=f64))
    with pytest.raises(
        TypeError, match="LIFMCRefracRecurrentCell: expected a state of type LIFRefracState, got LIFState"
    ):
        mc_cell(snn.LIFMCRefracRecurrentCell)(torch.zeros(1, 2, dtype=f64), state)
    with pytest.raises(ValueError, match="unknown threshold method 'nope'"):
        snn.LIFMCRefracRecurrentCell(2, 2, snn.LIFRefracParameters(snn.LIFParameters(method="nope")))
