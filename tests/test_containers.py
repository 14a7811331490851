"""Lift, SequentialState, LConv2d and RegularizationCell: known answers and norse behaviour."""

import pytest
import torch
from torch import nn

import snn_deploy as snn
from snn_deploy.functional import voltage_accumulator


def test_lift_applies_the_module_at_every_step():
    linear = nn.Linear(3, 2)
    x = torch.randn(4, 5, 3)
    out = snn.Lift(linear)(x)
    assert out.shape == (4, 5, 2)
    for t in range(4):
        assert torch.equal(out[t], linear(x[t]))


@pytest.mark.parametrize(
    "module, folds",
    [
        (nn.Sequential(nn.Conv2d(2, 3, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten()), True),
        (nn.BatchNorm1d(3), False),
        (nn.Flatten(0), False),
    ],
)
def test_lift_folds_time_into_batch_only_for_per_sample_modules(module, folds):
    lifted = snn.Lift(module).eval()
    assert lifted.fold_time is folds
    x = torch.randn(4, 5, 2, 6, 6) if folds else torch.randn(4, 5, 3)
    expected = torch.stack([module(x_t) for x_t in x])
    torch.testing.assert_close(lifted(x), expected)


def test_lift_ignores_the_state_of_a_pair_input_as_norse_does():
    lifted = snn.Lift(nn.ReLU())
    x = torch.randn(3, 2)
    assert torch.equal(lifted((x, torch.ones(1))), torch.relu(x))


def test_sequential_state_threads_each_stateful_layer():
    torch.manual_seed(0)
    model = snn.SequentialState(snn.Lift(nn.Linear(3, 4)), snn.LIF(), nn.Identity(), snn.LIFRecurrent(4, 2))
    x = 200.0 * torch.rand(5, 2, 3)
    out, state = model(x)
    assert out.shape == (5, 2, 2)
    assert state[0] is None and state[2] is None
    assert isinstance(state[1], snn.LIFFeedForwardState) and isinstance(state[3], snn.LIFState)
    # the same as running the layers by hand
    hidden, s1 = model[1](model[0](x))
    expected, s3 = model[3](hidden)
    assert torch.equal(out, expected) and torch.equal(state[3].v, s3.v)
    # chunks with the state carried equal the whole sequence
    first, carried = model(x[:2])
    second, _ = model(x[2:], carried)
    assert torch.equal(torch.cat([first, second]), out)


def test_sequential_state_takes_torch_rnns_as_stateful_layers():
    model = snn.SequentialState(nn.RNN(3, 4), snn.LIF())
    out, state = model(torch.randn(5, 2, 3))
    assert out.shape == (5, 2, 4) and state[0].shape == (1, 2, 4)


def test_sequential_state_rejects_a_state_list_of_the_wrong_length():
    with pytest.raises(ValueError, match="expected a state list with 2 entries.*got 1"):
        snn.SequentialState(snn.LIF(), snn.LI())(torch.zeros(3, 1, 2), [None])


def test_forward_state_hooks_see_every_stateful_layer_and_can_be_removed():
    model = snn.SequentialState(snn.Lift(nn.Linear(2, 2)), snn.LIF(), snn.LI())
    seen = []
    model.register_forward_state_hooks(lambda module, inputs, output: seen.append(type(module).__name__))
    model(torch.randn(3, 1, 2))
    assert seen == ["LIF", "LI"]
    with pytest.raises(ValueError, match="already in place"):
        model.register_forward_state_hooks(lambda *args: None)
    model.remove_forward_state_hooks()
    model(torch.randn(3, 1, 2))
    assert seen == ["LIF", "LI"]


def test_lconv2d_equals_conv2d_at_every_step():
    conv = snn.LConv2d(2, 3, kernel_size=3, padding=1)
    assert conv.weight.shape == (3, 2, 3, 3, 1)
    x = torch.randn(4, 2, 2, 5, 5)
    out = conv(x)
    assert out.shape == (4, 2, 3, 5, 5)
    for t in range(4):
        expected = nn.functional.conv2d(x[t], conv.weight[..., 0], padding=1)
        torch.testing.assert_close(out[t], expected)


def test_regularization_cell_counts_spikes_across_calls():
    cell = snn.LIFCell()
    regularize = snn.RegularizationCell()
    z, s = cell(torch.tensor([[2000.0, 0.0], [2000.0, 2000.0]]))
    out, total = regularize(z, s)
    assert torch.equal(out, z) and total.item() == 3.0
    _, total = regularize(z, s)
    assert total.item() == 6.0


def test_regularization_cell_sums_voltages_with_the_voltage_accumulator():
    state = snn.LIFFeedForwardState(v=torch.tensor([0.5, 0.25]), i=torch.zeros(2))
    regularize = snn.RegularizationCell(voltage_accumulator)
    regularize(torch.zeros(2), state)
    _, total = regularize(torch.zeros(2), state)
    assert total.tolist() == [1.0, 0.5]
    scripted = torch.jit.script(snn.RegularizationCell(voltage_accumulator))
    assert scripted(torch.zeros(2), tuple(state))[1].tolist() == [0.5, 0.25]


def test_regularization_cell_with_a_custom_accumulator_refuses_to_script():
    with pytest.raises(TypeError, match="only spike_accumulator and voltage_accumulator script"):
        torch.jit.script(snn.RegularizationCell(lambda z, s, a: z))


def test_sequential_state_initial_state_is_the_state_forward_starts_from():
    torch.manual_seed(0)
    model = snn.SequentialState(snn.Lift(nn.Linear(3, 4)), snn.LIF(), snn.LIFRecurrent(4, 2), snn.LI())
    x = 200.0 * torch.rand(5, 2, 3)
    state = model.initial_state(x)
    assert state[0] is None
    assert torch.equal(state[1].v, torch.zeros(2, 4)) and torch.equal(state[2].z, torch.zeros(2, 2))
    assert state[3].v.shape == (2, 2)
    out, final = model(x, state)
    expected, expected_final = model(x)
    assert torch.equal(out, expected) and torch.equal(final[3].v, expected_final[3].v)


def test_sequential_state_initial_state_names_a_stateful_layer_without_one():
    class Stateful(nn.Module):
        def forward(self, x, state=None):
            return x, state

    with pytest.raises(TypeError, match="Stateful keeps a state but has no initial_state"):
        snn.SequentialState(Stateful()).initial_state(torch.zeros(2, 3))
