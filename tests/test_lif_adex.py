"""Known answers of the adaptive exponential LIF (LIFAdEx) family from its equations
(dt = 1 ms unless stated)."""

import math

import pytest
import torch
from known_answers import (
    assert_matches_reference,
    assert_recurrent_layer_with_identity_input_equals_feed_forward,
    f64,
    reference_run,
    tensor,
)

import snn_deploy as snn
from snn_deploy.functional.lif_adex import lif_adex_step


def test_default_parameters_and_state_fields_match_norse():
    p = snn.LIFAdExParameters()
    assert (p.adaptation_current, p.adaptation_spike, p.delta_T, p.tau_ada_inv) == (4.0, 0.02, 0.5, 2.0)
    assert (p.tau_syn_inv, p.tau_mem_inv, p.v_leak, p.v_th, p.v_reset, p.method, p.alpha) == (
        200.0,
        100.0,
        0.0,
        1.0,
        0.0,
        "super",
        100.0,
    )
    assert snn.LIFAdExState._fields == ("z", "v", "i", "a")
    assert snn.LIFAdExFeedForwardState._fields == ("v", "i", "a")


def test_cell_fires_adds_spike_adaptation_and_couples_a_to_the_old_voltage():
    cell = snn.LIFAdExCell().double()
    drive = 0.05 * math.exp(-2.0)  # 0.1 * 0.5 e^{(0 - 1)/0.5}
    z, s = cell(tensor([5.0, 20.0, 0.0]))
    # i = x; v = 0.1 (0.5 e^{-2} + x - 0); a = 0 + 0.002 (4 (0 - 0) - 0) + 0.02 z
    assert z.tolist() == [0.0, 1.0, 0.0]
    torch.testing.assert_close(s.v, tensor([0.5 + drive, 0.0, drive]))
    torch.testing.assert_close(s.i, tensor([4.0, 16.0, 0.0]))
    torch.testing.assert_close(s.a, tensor([0.0, 0.02, 0.0]))
    z, s = cell(tensor([0.0, 0.0, 0.0]), s)
    v0 = 0.5 + drive
    # neuron 0: v = v0 + 0.1 (-v0 + 0.5 e^{(v0-1)/0.5} + 4 - 0), a = 0.002 * 4 v0
    # neuron 1: v = 0.1 (0.5 e^{-2} + 16 - 0.02) > 1 fires, a = 0.02 + 0.002 (0 - 0.02) + 0.02
    assert z.tolist() == [0.0, 1.0, 0.0]
    v2 = drive + 0.1 * (-drive + 0.5 * math.exp((drive - 1.0) / 0.5))
    torch.testing.assert_close(s.v, tensor([v0 + 0.1 * (-v0 + 0.5 * math.exp((v0 - 1.0) / 0.5) + 4.0), 0.0, v2]))
    torch.testing.assert_close(s.i, tensor([3.2, 12.8, 0.0]))
    torch.testing.assert_close(s.a, tensor([0.008 * v0, 0.03996, 0.008 * drive]))


def test_cell_with_non_default_parameters_from_a_given_state():
    p = snn.LIFAdExParameters(
        adaptation_current=10.0,
        adaptation_spike=0.5,
        delta_T=0.2,
        tau_ada_inv=50.0,
        tau_syn_inv=100.0,
        tau_mem_inv=50.0,
        v_leak=0.2,
        v_th=0.8,
        v_reset=-0.1,
    )
    cell = snn.LIFAdExCell(p, dt=0.002).double()
    torch.testing.assert_close(cell.initial_state(tensor([1.0, 2.0])).v, tensor([0.2, 0.2]))
    state = snn.LIFAdExFeedForwardState(v=tensor([0.6, 0.3]), i=tensor([1.0, 0.0]), a=tensor([0.4, 0.0]))
    z, s = cell(tensor([3.0, 1.0]), state)
    # i = [4, 1]; v = v + 0.1 ((0.2 - v) + 0.2 e^{(v - 0.8)/0.2} + i - a)
    v_a = 0.6 + 0.1 * (-0.4 + 0.2 * math.exp(-1.0) + 4.0 - 0.4)
    v_b = 0.3 + 0.1 * (-0.1 + 0.2 * math.exp(-2.5) + 1.0)
    assert v_a > 0.8 > v_b
    # a = a + 0.1 (10 (v - 0.2) - a) + 0.5 z
    assert z.tolist() == [1.0, 0.0]
    torch.testing.assert_close(s.v, tensor([-0.1, v_b]))
    torch.testing.assert_close(s.i, tensor([3.2, 0.8]))
    torch.testing.assert_close(s.a, tensor([0.4 + 0.1 * (4.0 - 0.4) + 0.5, 0.1 * 1.0]))


def test_recurrent_cell_adds_input_and_recurrent_currents_before_integrating():
    w_in = tensor([[12.0, 0.0], [0.0, 5.0]])
    w_rec = tensor([[0.0, 2.0], [9.0, 0.0]])
    cell = snn.LIFAdExRecurrentCell(2, 2, input_weights=w_in, recurrent_weights=w_rec).double()
    drive = 0.05 * math.exp(-2.0)
    z, s = cell(tensor([[1.0, 1.0]]))
    assert z.tolist() == [[1.0, 0.0]]
    torch.testing.assert_close(s.v, tensor([[0.0, 0.5 + drive]]))
    torch.testing.assert_close(s.a, tensor([[0.02, 0.0]]))
    z, s = cell(tensor([[0.0, 0.0]]), s)
    # i = [9.6, 4 + 9]; neuron 0: v = 0.1 (0.5 e^{-2} + 9.6 - 0.02); neuron 1 fires
    assert z.tolist() == [[0.0, 1.0]]
    torch.testing.assert_close(s.v, tensor([[drive + 0.96 - 0.002, 0.0]]))
    torch.testing.assert_close(s.i, tensor([[7.68, 10.4]]))
    torch.testing.assert_close(s.a, tensor([[0.02 - 0.00004, 0.008 * (0.5 + drive) + 0.02]]))


def test_reset_passes_gradient_through_z_in_the_recurrent_step_as_in_norse():
    v = torch.tensor([[0.95]], dtype=f64, requires_grad=True)
    zeros = torch.zeros(1, 1, dtype=f64)
    state = snn.LIFAdExState(z=zeros, v=v, i=zeros, a=zeros)
    z, new = lif_adex_step(tensor([[20.0]]), state, tensor([[1.0]]), zeros, snn.LIFAdExParameters())
    assert z.item() == 1.0 and new.v.item() == 0.0
    new.v.sum().backward()
    assert v.grad.item() != 0.0


def lif_adex_neuron(p, dt):
    """The LIFAdEx equations of one neuron on Python floats, for :func:`reference_run`."""

    def step(state, x):
        v, i, a = state
        i += x
        exponential = p.delta_T * math.exp((v - p.v_th) / p.delta_T)
        v_next = v + dt * p.tau_mem_inv * (p.v_leak - v + exponential + i - a)
        i -= dt * p.tau_syn_inv * i
        a += dt * p.tau_ada_inv * (p.adaptation_current * (v - p.v_leak) - a)
        fired = v_next > p.v_th
        a += p.adaptation_spike if fired else 0.0
        return fired, (p.v_reset if fired else v_next, i, a)

    return step


PARAMETERS = [
    snn.LIFAdExParameters(),
    snn.LIFAdExParameters(
        adaptation_current=20.0,
        adaptation_spike=2.0,
        delta_T=0.3,
        tau_ada_inv=20.0,
        tau_syn_inv=50.0,
        tau_mem_inv=30.0,
        v_leak=-0.1,
        v_th=0.7,
        v_reset=-0.3,
    ),
]


@pytest.mark.parametrize("p", PARAMETERS)
def test_long_run_matches_a_plain_reference_loop(p):
    currents = 40.0 * torch.rand(300, 4, generator=torch.Generator().manual_seed(3), dtype=f64)
    reference = reference_run(currents, (p.v_leak, 0.0, 0.0), lif_adex_neuron(p, 0.001))
    assert reference[3].abs().sum() > 0.1
    z, s = snn.LIFAdEx(p).double()(currents.unsqueeze(1))
    assert_matches_reference(z.squeeze(1), s, reference, ("v", "i", "a"))


@pytest.mark.parametrize("p", PARAMETERS)
def test_recurrent_layer_with_identity_input_and_no_recurrence_equals_the_feed_forward_layer(p):
    assert_recurrent_layer_with_identity_input_equals_feed_forward(snn.LIFAdExRecurrent, snn.LIFAdEx, p)


def test_bad_input_and_foreign_state_are_refused():
    with pytest.raises(ValueError, match=r"LIFAdExRecurrent: expected an input of at least 2 dimensions .* got 1-D"):
        snn.LIFAdExRecurrent(3, 4)(torch.zeros(3))
    _, state = snn.LIFEx()(torch.zeros(3, 1, 2))
    with pytest.raises(
        TypeError, match="LIFAdEx: expected a state of type LIFAdExFeedForwardState, got LIFExFeedForwardState"
    ):
        snn.LIFAdEx()(torch.zeros(3, 1, 2), state)
