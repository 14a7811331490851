"""norse 1.1's input contracts: unbatched and extra leading dimensions, broadcastable states,
bool spikes, Lift of stateful modules and of unbatched steps, norse's SequentialState examples."""

import pytest
import torch
from torch import nn

import snn_deploy as snn

GEN = torch.Generator().manual_seed(0)


def draw(*shape, scale=60.0):
    return scale * torch.rand(*shape, generator=GEN)


@pytest.mark.parametrize(
    "make", [lambda: snn.LIFRecurrentCell(3, 4), lambda: snn.LSNNRecurrentCell(3, 4), lambda: snn.LILinearCell(3, 4)]
)
def test_recurrent_cells_take_unbatched_and_extra_leading_dimensions(make):
    torch.manual_seed(0)
    cell = make()
    x = draw(2, 5, 3)
    batched, _ = cell(x.reshape(10, 3))
    leading, state = cell(x)
    assert leading.shape == (2, 5, 4) and state.v.shape == (2, 5, 4)
    assert torch.equal(leading.reshape(10, 4), batched)
    unbatched, state = cell(x[0, 0])
    assert unbatched.shape == (4,) and torch.equal(unbatched, batched[0])


def test_recurrent_layer_takes_an_unbatched_sequence():
    torch.manual_seed(0)
    layer = snn.LIFRecurrent(3, 4)
    x = draw(6, 3)
    z, state = layer(x)
    z_batched, _ = layer(x[:, None])
    assert z.shape == (6, 4) and state.z.shape == (4,)
    assert torch.equal(z, z_batched[:, 0]) and z.sum() > 0


def test_a_broadcastable_user_state_is_taken_as_norse_takes_it():
    p = snn.LIFParameters(v_leak=torch.tensor(0.2))
    x = draw(3, 5)
    expected = snn.LIFCell(p)(x)
    got = snn.LIFCell(p)(x, snn.LIFFeedForwardState(v=p.v_leak, i=torch.tensor(0.0)))
    assert torch.equal(got[0], expected[0]) and torch.equal(got[1].v, expected[1].v)


def test_bool_spikes_are_taken_as_the_modules_dtype():
    torch.manual_seed(0)
    cell = snn.LIFRecurrentCell(3, 4).double()
    spikes = torch.rand(2, 3, generator=GEN) < 0.5
    z_bool, s_bool = cell(spikes)
    z_float, s_float = cell(spikes.double())
    assert z_bool.dtype == torch.float64 and torch.equal(s_bool.i, s_float.i)


def test_float32_input_with_a_float64_state_is_a_type_error_not_a_float64_answer():
    state = snn.LIFFeedForwardState(v=torch.zeros(2, 3, dtype=torch.float64), i=torch.zeros(2, 3, dtype=torch.float64))
    with pytest.raises(TypeError, match="LIFCell: state field 'v' has dtype torch.float64, expected torch.float32"):
        snn.LIFCell()(torch.zeros(2, 3), state)


def test_an_input_of_another_dtype_than_the_weights_is_a_type_error():
    with pytest.raises(TypeError, match="LIFRecurrent: expected an input of the weights' dtype torch.float32, got"):
        snn.LIFRecurrent(3, 4)(torch.zeros(2, 1, 3, dtype=torch.float64))


def test_lift_of_a_stateful_cell_equals_the_layer():
    x = draw(7, 2, 5)
    z, state = snn.Lift(snn.LIFCell())(x)
    z_layer, state_layer = snn.LIF()(x)
    assert torch.equal(z, z_layer) and torch.equal(state.v, state_layer.v) and z.sum() > 0
    z_again, _ = snn.Lift(snn.LIFCell())((x, state))
    assert torch.equal(z_again, snn.LIF()(x, state)[0])
    with pytest.raises(TypeError, match=r"Lift: a lifted stateful module \(LIFCell\)"):
        torch.jit.script(snn.Lift(snn.LIFCell()))


def test_lift_runs_unbatched_steps_one_by_one():
    torch.manual_seed(0)
    linear, conv = nn.Linear(4, 2), nn.Conv2d(3, 2, 3)
    x = draw(5, 4)
    assert torch.equal(snn.Lift(linear)(x), torch.stack([linear(x_t) for x_t in x]))
    images = draw(5, 3, 6, 6)
    assert torch.equal(snn.Lift(conv)(images), torch.stack([conv(x_t) for x_t in images]))
    batched = draw(5, 2, 3, 6, 6)
    torch.testing.assert_close(snn.Lift(conv)(batched), torch.stack([conv(x_t) for x_t in batched]))


def test_norse_sequential_state_docstring_example():
    torch.manual_seed(0)
    data = torch.ones(1, 1, 16, 8, 4)
    model = snn.SequentialState(
        snn.Lift(torch.nn.Conv2d(16, 8, 3)),
        torch.nn.Flatten(3),
        snn.LIFRecurrent(12, 6),
        snn.LIFRecurrent(6, 1),
    )
    output, state = model(data)
    assert output.shape == (1, 1, 8, 1) and state[2].v.shape == (1, 8, 6) and state[0] is None


def test_norse_sequential_state_docstring_example_with_recurrent_layers():
    torch.manual_seed(0)
    data = torch.ones(1, 16, 8, 4)
    model = snn.SequentialState(
        snn.Lift(torch.nn.Conv2d(16, 8, 3)),
        torch.nn.Flatten(2),
        snn.LSNNRecurrent(12, 6),
        torch.nn.RNN(6, 4, 2),
        snn.LIFRecurrent(4, 1),
    )
    output, state = model(data)
    assert output.shape == (1, 8, 1) and state[3].shape == (2, 8, 4) and state[4].z.shape == (8, 1)
