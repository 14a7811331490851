"""norse 1.1's input contracts: unbatched and extra leading dimensions, broadcastable states,
bool spikes, Lift of stateful modules and of unbatched steps, norse's SequentialState examples."""

import pytest
import torch
from torch import nn

import snn_deploy as snn
from snn_deploy.state import named_leaves

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


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.bool])
def test_an_integer_state_is_cast_to_the_input_dtype_as_norse_promotes_it(dtype):
    """norse 1.1 computes ``v + dt * tau_mem_inv * (...)`` with an integer ``v``: float32 by
    promotion. The cast gives that answer exactly (the float state of the same values)."""
    x = draw(2, 3)
    int_state = snn.LIFFeedForwardState(v=torch.zeros(2, 3, dtype=dtype), i=torch.ones(2, 3, dtype=dtype))
    float_state = snn.LIFFeedForwardState(v=torch.zeros(2, 3), i=torch.ones(2, 3))
    z, state = snn.LIFCell()(x, int_state)
    z_float, state_float = snn.LIFCell()(x, float_state)
    assert state.v.dtype == torch.float32 and state.i.dtype == torch.float32
    assert torch.equal(z, z_float) and torch.equal(state.v, state_float.v) and torch.equal(state.i, state_float.i)
    # the input jumps in and the current decays by dt * tau_syn_inv = 0.2: i' = 0.8 (1 + x)
    torch.testing.assert_close(state.i, 0.8 * (1.0 + x))


def test_an_integer_nested_state_of_a_recurrent_layer_is_cast_field_by_field():
    torch.manual_seed(0)
    layer = snn.LIFRefracRecurrent(3, 4).double()
    x = draw(5, 2, 3).double()
    lif = snn.LIFState(
        z=torch.zeros(2, 4, dtype=torch.long), v=torch.zeros(2, 4), i=torch.zeros(2, 4, dtype=torch.long)
    )
    int_state = snn.LIFRefracState(lif=lif, rho=torch.zeros(2, 4, dtype=torch.long))
    float_state = snn.LIFRefracState(
        snn.LIFState(*(torch.zeros(2, 4, dtype=torch.float64),) * 3), torch.zeros(2, 4).double()
    )
    with pytest.raises(TypeError, match="state field 'lif.v' has dtype torch.float32, expected torch.float64"):
        layer(x, int_state)  # another float dtype stays an error: norse would answer in float64
    int_state = int_state._replace(lif=lif._replace(v=torch.zeros(2, 4, dtype=torch.long)))
    z, state = layer(x, int_state)
    z_float, state_float = layer(x, float_state)
    assert torch.equal(z, z_float) and z.sum() > 0 and state.rho.dtype == torch.float64
    assert torch.equal(state.lif.v, state_float.lif.v)


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda: snn.LIFCell(), (3, 4)),
        (lambda: snn.LIF(), (5, 3, 4)),
        (lambda: snn.LIFRecurrentCell(4, 2), (3, 4)),
        (lambda: snn.LIFRecurrent(4, 2), (5, 3, 4)),
        (lambda: snn.LIFRefracCell(), (3, 4)),
    ],
)
def test_a_sparse_input_gives_the_dense_inputs_answer(make, shape):
    """norse 1.1 runs its sparse steps on a sparse input (``lif_feed_forward_step_sparse``...),
    whose values are its dense steps' (checked against norse: equal to 5e-7); here the input is
    densified and the outputs are dense tensors."""
    torch.manual_seed(0)
    x = (torch.rand(*shape, generator=GEN) < 0.4).float() * 300.0
    dense = make()(x)
    torch.manual_seed(0)
    sparse = make()(x.to_sparse())
    assert not sparse[0].is_sparse and torch.equal(sparse[0], dense[0]) and dense[0].sum() > 0
    assert all(
        torch.equal(a, b) for (_, a), (_, b) in zip(named_leaves(sparse[1]), named_leaves(dense[1]), strict=True)
    )


def test_norse_lif_datatype_sparse_bool_spikes():
    """norse's test_lif_datatype: a sparse bool input gives float32 states."""
    spikes = torch.zeros(1, 2, dtype=torch.bool).to_sparse()
    for make in (snn.LIFCell, snn.LIF):
        z, state = make()(spikes)
        assert state.v.dtype == torch.float32 and state.i.dtype == torch.float32
        assert torch.equal(z, torch.zeros_like(z)) and z.dtype == torch.float32
