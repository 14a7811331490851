"""Parameters live in buffers: they follow .to(), load from state dicts and can be learnable."""

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


def test_state_dict_round_trip_restores_parameters_and_weights():
    source = snn.LIFRecurrent(3, 4, snn.LIFParameters(v_th=0.3))
    target = snn.LIFRecurrent(3, 4)
    target.load_state_dict(source.state_dict())
    assert target.p.v_th.item() == pytest.approx(0.3) and torch.equal(target.input_weights, source.input_weights)
    x = 50.0 * torch.rand(5, 2, 3)
    assert torch.equal(target(x)[0], source(x)[0])


def test_per_neuron_parameters_broadcast():
    cell = snn.LIFCell(snn.LIFParameters(v_th=torch.tensor([0.5, 100.0])))
    z, _ = cell(torch.tensor([[20.0, 20.0]]))
    assert z.tolist() == [[1.0, 0.0]]


def test_states_take_the_input_dtype_and_device():
    state = snn.LIFRecurrentCell(2, 3).double().initial_state(torch.zeros(4, 2, dtype=torch.float64))
    assert all(t.dtype == torch.float64 and t.shape == (4, 3) for t in state)
