"""Known answers of the LIF family from its equations (dt = 1 ms unless stated)."""

import pytest
import torch
from known_answers import assert_matches_reference, f64, reference_run, tensor

import snn_deploy as snn
from snn_deploy.functional import lif_feed_forward_step, lif_step


def test_default_parameters_match_norse():
    p = snn.LIFParameters()
    assert (p.tau_syn_inv, p.tau_mem_inv, p.v_leak, p.v_th, p.v_reset, p.method, p.alpha) == (
        200.0,
        100.0,
        0.0,
        1.0,
        0.0,
        "super",
        100.0,
    )
    assert snn.LIFState._fields == ("z", "v", "i")
    assert snn.LIFFeedForwardState._fields == ("v", "i")


def test_lif_cell_charges_fires_resets_and_decays_the_current():
    cell = snn.LIFCell().double()
    z, s = cell(tensor([5.0, 20.0, 0.0]))
    # i = 0 + x; v = 0 + 0.001*100*(0 - 0 + i) = 0.1 x; i <- 0.8 i; z = [v > 1]; v <- 0 where z
    assert z.tolist() == [0.0, 1.0, 0.0]
    torch.testing.assert_close(s.v, tensor([0.5, 0.0, 0.0]))
    torch.testing.assert_close(s.i, tensor([4.0, 16.0, 0.0]))
    z, s = cell(tensor([0.0, 0.0, 0.0]), s)
    # v = v + 0.1 (i - v): 0.5 + 0.1*3.5 = 0.85, 0 + 1.6 = 1.6 -> fires again
    assert z.tolist() == [0.0, 1.0, 0.0]
    torch.testing.assert_close(s.v, tensor([0.85, 0.0, 0.0]))
    torch.testing.assert_close(s.i, tensor([3.2, 12.8, 0.0]))


def test_lif_cell_with_non_default_parameters_starts_at_v_leak():
    p = snn.LIFParameters(tau_syn_inv=100.0, tau_mem_inv=50.0, v_leak=0.5, v_th=0.8, v_reset=-0.2)
    cell = snn.LIFCell(p, dt=0.002).double()
    x = tensor([2.0, 10.0])
    assert cell.initial_state(x).v.tolist() == [0.5, 0.5]
    z, s = cell(x)
    # v = 0.5 + 0.002*50*(0.5 - 0.5 + x) = 0.5 + 0.1 x = [0.7, 1.5]; i = (1 - 0.2) x
    assert z.tolist() == [0.0, 1.0]
    torch.testing.assert_close(s.v, tensor([0.7, -0.2]))
    torch.testing.assert_close(s.i, tensor([1.6, 8.0]))


def test_lif_recurrent_cell_adds_input_and_recurrent_currents():
    w_in = tensor([[12.0, 0.0], [0.0, 20.0]])
    w_rec = tensor([[0.0, 5.0], [7.0, 0.0]])
    cell = snn.LIFRecurrentCell(2, 2, input_weights=w_in, recurrent_weights=w_rec).double()
    z, s = cell(tensor([[1.0, 1.0]]))
    assert z.tolist() == [[1.0, 1.0]]
    torch.testing.assert_close(s.v, tensor([[0.0, 0.0]]))
    torch.testing.assert_close(s.i, tensor([[9.6, 16.0]]))
    z, s = cell(tensor([[0.0, 0.0]]), s)
    # i = [9.6 + 5, 16 + 7]; v = 0.1 i = [1.46, 2.3] -> both fire; i <- 0.8 i
    assert z.tolist() == [[1.0, 1.0]]
    torch.testing.assert_close(s.i, tensor([[11.68, 18.4]]))


def test_autapses_are_removed_from_given_weights_unless_allowed():
    w_rec = torch.ones(3, 3)
    without = snn.LIFRecurrentCell(2, 3, recurrent_weights=w_rec.clone())
    assert torch.diagonal(without.recurrent_weights).tolist() == [0.0, 0.0, 0.0]
    allowed = snn.LIFRecurrentCell(2, 3, recurrent_weights=w_rec.clone(), autapses=True)
    assert torch.diagonal(allowed.recurrent_weights).tolist() == [1.0, 1.0, 1.0]


def test_default_weights_are_scaled_by_two_over_hidden():
    torch.manual_seed(0)
    cell = snn.LIFRecurrentCell(400, 200)
    assert cell.input_weights.shape == (200, 400)
    assert cell.input_weights.std().item() == pytest.approx((2.0 / 200) ** 0.5, rel=0.02)


def lif_neuron(p, dt):
    """The LIF equations of one neuron on Python floats, for :func:`reference_run`."""

    def step(state, x):
        v, i = state
        i += x
        v_next = v + dt * p.tau_mem_inv * (p.v_leak - v + i)
        i -= dt * p.tau_syn_inv * i
        fired = v_next > p.v_th
        return fired, (p.v_reset if fired else v_next, i)

    return step


@pytest.mark.parametrize(
    "p",
    [snn.LIFParameters(), snn.LIFParameters(tau_syn_inv=50.0, tau_mem_inv=30.0, v_leak=-0.1, v_th=0.7, v_reset=-0.3)],
)
def test_long_lif_run_matches_a_plain_reference_loop(p):
    generator = torch.Generator().manual_seed(3)
    currents = 60.0 * torch.rand(300, 4, generator=generator, dtype=f64)
    reference = reference_run(currents, (p.v_leak, 0.0), lif_neuron(p, 0.001))
    z, s = snn.LIF(p).double()(currents.unsqueeze(1))
    assert_matches_reference(z.squeeze(1), s, reference, ("v", "i"))


def test_layer_equals_its_cell_stepped_by_hand():
    torch.manual_seed(1)
    layer = snn.LIFRecurrent(3, 4)
    cell = snn.LIFRecurrentCell(3, 4, input_weights=layer.input_weights, recurrent_weights=layer.recurrent_weights)
    x = 30.0 * torch.rand(12, 2, 3)
    z_layer, s_layer = layer(x)
    state = None
    for t in range(12):
        z, state = cell(x[t], state)
        assert torch.equal(z, z_layer[t])
    assert torch.equal(state.v, s_layer.v)


def test_functional_steps_are_pure():
    p = snn.LIFParameters()
    state = snn.LIFFeedForwardState(v=torch.zeros(2), i=torch.zeros(2))
    z, new = lif_feed_forward_step(torch.tensor([30.0, 1.0]), state, p)
    assert z.tolist() == [1.0, 0.0] and state.v.tolist() == [0.0, 0.0]
    rec = snn.LIFState(z=torch.zeros(1, 2), v=torch.zeros(1, 2), i=torch.zeros(1, 2))
    z, _ = lif_step(torch.ones(1, 1), rec, torch.tensor([[20.0], [1.0]]), torch.zeros(2, 2), p)
    assert z.tolist() == [[1.0, 0.0]]


def test_reset_of_the_recurrent_step_passes_no_gradient_through_z_as_in_norse():
    p = snn.LIFParameters()
    v = torch.tensor([[5.0]], requires_grad=True)
    state = snn.LIFState(z=torch.zeros(1, 1), v=v, i=torch.zeros(1, 1))
    _, new = lif_step(torch.zeros(1, 1), state, torch.zeros(1, 1), torch.zeros(1, 1), p)
    new.v.sum().backward()
    assert v.grad.item() == pytest.approx(0.0)  # fired: v_new = v_reset, and z is detached in the reset


@pytest.mark.filterwarnings("ignore::torch.jit.TracerWarning")
def test_layers_trace_with_torch_jit_trace():
    layer = snn.LIFRecurrent(3, 4)
    x = 40.0 * torch.rand(5, 2, 3)
    traced = torch.jit.trace(layer, (x,), check_trace=False)
    expected_z, expected_state = layer(x)
    z, state = traced(x)
    assert torch.equal(z, expected_z) and torch.equal(state[1], expected_state.v)
