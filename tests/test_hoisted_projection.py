"""Recurrent layers compute the input projection of all T steps as one product before the time
loop; the result equals the per-step form (the recurrent cell in a loop) to rounding."""

import pytest
import torch

import snn_deploy as snn

LAYERS = {
    "LIFRecurrent": (lambda: snn.LIFRecurrent(4, 5), lambda: snn.LIFRecurrentCell(4, 5)),
    "LSNNRecurrent": (lambda: snn.LSNNRecurrent(4, 5), lambda: snn.LSNNRecurrentCell(4, 5)),
    "LIFAdExRecurrent": (lambda: snn.LIFAdExRecurrent(4, 5), lambda: snn.LIFAdExRecurrentCell(4, 5)),
    "LIFExRecurrent": (lambda: snn.LIFExRecurrent(4, 5), lambda: snn.LIFExRecurrentCell(4, 5)),
    "IzhikevichRecurrent": (
        lambda: snn.IzhikevichRecurrent(4, 5, snn.tonic_spiking),
        lambda: snn.IzhikevichRecurrentCell(4, 5, snn.tonic_spiking),
    ),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_hoisted_layer_equals_the_cell_loop_in_outputs_and_gradients(name):
    make_layer, make_cell = LAYERS[name]
    torch.manual_seed(0)
    layer = make_layer().double()
    cell = make_cell().double()
    cell.load_state_dict(layer.state_dict())
    x = 80.0 * torch.rand(12, 3, 4, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    x_layer, x_cell = x.clone().requires_grad_(), x.clone().requires_grad_()
    z_layer, state_layer = layer(x_layer)
    state, outputs = None, []
    for x_t in x_cell:
        z, state = cell(x_t, state)
        outputs.append(z)
    z_cell = torch.stack(outputs)
    assert torch.equal(z_layer, z_cell) and z_layer.sum() > 0
    for got, want in zip(state_layer, state):
        torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-9)
    weights = torch.randn(z_layer.shape, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    ((z_layer * weights).sum() + state_layer.v.sum()).backward()
    ((z_cell * weights).sum() + state.v.sum()).backward()
    torch.testing.assert_close(x_layer.grad, x_cell.grad, rtol=1e-9, atol=1e-12)
    cell_parameters = dict(cell.named_parameters())
    for name_w, w_layer in layer.named_parameters():
        torch.testing.assert_close(w_layer.grad, cell_parameters[name_w].grad, rtol=1e-9, atol=1e-12, msg=name_w)
