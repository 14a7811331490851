"""Parameters live in buffers read at call time: they follow .to(), stay out of state dicts as in
norse 1.1, can be learnable, and functional_call / parametrize / buffer assignment take effect."""

import pytest
import torch
from torch import nn

import snn_deploy as snn


def test_parameter_fields_become_buffers_that_follow_to():
    cell = snn.LIFCell(snn.LIFParameters(v_th=0.5))
    assert dict(cell.named_buffers())["v_th"].item() == 0.5
    cell = cell.to(torch.float64)
    assert cell.p.v_th.dtype == torch.float64 and cell.p.v_th is cell.v_th
    assert cell.p.method == "super" and cell.p.alpha == 100.0


def test_learnable_parameters_receive_gradients():
    p = snn.LIFParameters(tau_mem_inv=nn.Parameter(torch.tensor(100.0)), v_th=nn.Parameter(torch.tensor(1.0)))
    layer = snn.LIF(p)
    assert {name for name, _ in layer.named_parameters()} == {"tau_mem_inv", "v_th"}
    z, _ = layer(300.0 * torch.rand(8, 2, 3, generator=torch.Generator().manual_seed(0)))
    z.sum().backward()
    assert layer.tau_mem_inv.grad.abs() > 0 and layer.v_th.grad.abs() > 0


def test_state_dict_holds_the_weights_only_as_in_norse():
    source = snn.LIFRecurrent(3, 4, snn.LIFParameters(v_th=0.3))
    assert list(source.state_dict()) == ["input_weights", "recurrent_weights"]
    target = snn.LIFRecurrent(3, 4, snn.LIFParameters(v_th=0.3))
    target.load_state_dict(source.state_dict(), strict=True)
    assert target.p.v_th.item() == pytest.approx(0.3) and torch.equal(target.input_weights, source.input_weights)
    x = 50.0 * torch.rand(5, 2, 3)
    assert torch.equal(target(x)[0], source(x)[0])


def test_learnable_parameters_are_saved_and_a_checkpoint_without_them_still_loads_strictly():
    p = snn.LIFParameters(v_th=nn.Parameter(torch.tensor(0.7)))
    assert list(snn.LIFCell(p).state_dict()) == ["v_th"]
    cell = snn.LIFCell(snn.LIFParameters(v_th=nn.Parameter(torch.tensor(0.7))))
    cell.load_state_dict({"v_th": torch.tensor(0.2)}, strict=True)
    assert cell.v_th.item() == pytest.approx(0.2)
    cell.load_state_dict({}, strict=True)  # a norse 1.1 checkpoint never holds p
    assert cell.v_th.item() == pytest.approx(0.2)


def test_functional_call_replaces_a_parameter_for_one_call():
    cell = snn.LIFCell()
    x = torch.full((1, 2), 0.0)
    state = snn.LIFFeedForwardState(v=torch.tensor([[0.6, 0.4]]), i=torch.zeros(1, 2))
    assert cell(x, state)[0].tolist() == [[0.0, 0.0]]
    z, _ = torch.func.functional_call(cell, {"v_th": torch.tensor(0.4)}, (x, state))
    assert z.tolist() == [[1.0, 0.0]]
    assert cell.v_th.item() == 1.0


def test_parametrize_and_buffer_assignment_take_effect():
    class Halve(nn.Module):
        def forward(self, v_th):
            return v_th / 2

    state = snn.LIFFeedForwardState(v=torch.tensor([[0.6, 0.4]]), i=torch.zeros(1, 2))
    cell = snn.LIFCell()
    torch.nn.utils.parametrize.register_parametrization(cell, "v_th", Halve())
    assert cell(torch.zeros(1, 2), state)[0].tolist() == [[1.0, 0.0]]
    cell = snn.LIFCell()
    cell.v_th = torch.tensor(0.35)
    assert cell(torch.zeros(1, 2), state)[0].tolist() == [[1.0, 1.0]]


def test_per_neuron_parameters_broadcast():
    cell = snn.LIFCell(snn.LIFParameters(v_th=torch.tensor([0.5, 100.0])))
    z, _ = cell(torch.tensor([[20.0, 20.0]]))
    assert z.tolist() == [[1.0, 0.0]]


def test_states_take_the_input_dtype_and_device():
    state = snn.LIFRecurrentCell(2, 3).double().initial_state(torch.zeros(4, 2, dtype=torch.float64))
    assert all(t.dtype == torch.float64 and t.shape == (4, 3) for t in state)
