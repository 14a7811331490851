"""Known answers, equivalences and norse's documented examples of LIFRefracRecurrent and the
refractory LIFAdEx family (dt = 1 ms)."""

import math

import pytest
import torch
from known_answers import f64, tensor

import snn_deploy as snn


def test_lif_refrac_recurrent_is_the_cell_over_time():
    torch.manual_seed(0)
    layer = snn.LIFRefracRecurrent(3, 4).double()
    cell = snn.LIFRefracRecurrentCell(
        3, 4, input_weights=layer.input_weights, recurrent_weights=layer.recurrent_weights
    )
    cell = cell.double()
    x = 60.0 * torch.rand(20, 2, 3, generator=torch.Generator().manual_seed(1), dtype=f64)
    z, state = layer(x)
    cell_state, spikes = None, []
    for x_t in x:
        z_t, cell_state = cell(x_t, cell_state)
        spikes.append(z_t)
    assert z.sum() > 5 and torch.equal(z, torch.stack(spikes))
    assert torch.equal(state.rho, cell_state.rho) and torch.equal(state.lif.v, cell_state.lif.v)


def test_lif_adex_refrac_cell_first_steps():
    cell = snn.LIFAdExRefracCell().double()
    state = snn.LIFAdExRefracFeedForwardState(
        snn.LIFAdExFeedForwardState(v=tensor([0.95, 0.95]), i=tensor([50.0, 50.0]), a=tensor([0.0, 0.0])),
        rho=tensor([0.0, 2.0]),
    )
    z, new = cell(tensor([0.0, 0.0]), state)
    # both cross the threshold; the refractory one is masked, holds its voltage and counts down
    assert z.tolist() == [1.0, 0.0]
    torch.testing.assert_close(new.lif_adex.v, tensor([0.0, 0.95]))
    torch.testing.assert_close(new.rho, tensor([5.0, 1.0]))
    # a = 0 + 0.002 (4 * 0.95 - 0) + 0.02 z_unmasked (norse also adapts on the masked spike)
    torch.testing.assert_close(new.lif_adex.a, tensor([0.0076 + 0.02, 0.0076 + 0.02]))
    v, state = cell(tensor([2.0]))
    # from rest: v = 0.1 (0.5 e^{-2} + 2) without spike
    torch.testing.assert_close(state.lif_adex.v, tensor([0.1 * (0.5 * math.exp(-2.0) + 2.0)]))


def test_lif_adex_refrac_recurrent_with_zero_refractory_period_equals_lif_adex_recurrent():
    torch.manual_seed(0)
    p = snn.LIFAdExRefracParameters(rho_reset=0.0)
    refrac = snn.LIFAdExRefracRecurrent(3, 4, p).double()
    plain = snn.LIFAdExRecurrent(
        3, 4, input_weights=refrac.input_weights, recurrent_weights=refrac.recurrent_weights
    ).double()
    x = 60.0 * torch.rand(25, 2, 3, generator=torch.Generator().manual_seed(2), dtype=f64)
    z_refrac, s_refrac = refrac(x)
    z_plain, s_plain = plain(x)
    assert z_plain.sum() > 5 and torch.equal(z_refrac, z_plain)
    torch.testing.assert_close(s_refrac.lif_adex.a, s_plain.a)


def test_lif_adex_refrac_recurrent_cell_and_layer_agree():
    torch.manual_seed(3)
    layer = snn.LIFAdExRefracRecurrent(3, 4).double()
    cell = snn.LIFAdExRefracRecurrentCell(
        3, 4, input_weights=layer.input_weights, recurrent_weights=layer.recurrent_weights
    ).double()
    x = 60.0 * torch.rand(15, 2, 3, generator=torch.Generator().manual_seed(4), dtype=f64)
    z, _ = layer(x)
    state, spikes = None, []
    for x_t in x:
        z_t, state = cell(x_t, state)
        spikes.append(z_t)
    assert z.sum() > 5 and torch.equal(z, torch.stack(spikes))


def test_norse_docstring_examples():
    batch_size = 16
    lif_ex = snn.LIFAdExRefracCell()
    data = torch.randn(batch_size, 20, 30)
    output, s0 = lif_ex(data)
    assert output.shape == (16, 20, 30) and s0.rho.shape == (16, 20, 30)
    data = torch.zeros(10, 5, 2)  # 10 timesteps, 5 batches, 2 neurons
    z, state = snn.LIFAdExRefracRecurrent(2, 4)(data)
    assert z.shape == (10, 5, 4) and isinstance(state, snn.LIFAdExRefracState)
    z, state = snn.LIFRefracRecurrent(2, 4)(data)
    assert z.shape == (10, 5, 4) and isinstance(state, snn.LIFRefracState)


def test_refractory_adex_parameters_are_buffers_read_at_call_time():
    cell = snn.LIFAdExRefracCell()
    assert "lif_adex_v_th" in dict(cell.named_buffers()) and "rho_reset" in dict(cell.named_buffers())
    cell.lif_adex_v_th = torch.tensor(0.01)
    assert cell(torch.full((1,), 1.0))[0].item() == 1.0
    with pytest.raises(ValueError, match="LIFAdExRefracRecurrentCell: expected 3 input features"):
        snn.LIFAdExRefracRecurrentCell(3, 4)(torch.zeros(2, 5))
