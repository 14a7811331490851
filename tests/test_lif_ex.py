"""Known answers of the exponential LIF (LIFEx) family from its equations (dt = 1 ms unless stated)."""

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
from snn_deploy.functional.lif_ex import lif_ex_step


def test_default_parameters_and_state_fields_match_norse():
    p = snn.LIFExParameters()
    assert (p.delta_T, p.tau_syn_inv, p.tau_mem_inv, p.v_leak, p.v_th, p.v_reset, p.method, p.alpha) == (
        0.5,
        200.0,
        100.0,
        0.0,
        1.0,
        0.0,
        "super",
        100.0,
    )
    assert snn.LIFExState._fields == ("z", "v", "i")
    assert snn.LIFExFeedForwardState._fields == ("v", "i")


def test_cell_adds_the_exponential_drive_fires_resets_and_decays_the_current():
    cell = snn.LIFExCell().double()
    z, s = cell(tensor([5.0, 20.0, 0.0]))
    # i = x; v = 0 + 0.1 * ((0 - 0) + 0.5 e^{(0 - 1)/0.5} + x); i <- 0.8 i
    drive = 0.05 * math.exp(-2.0)
    assert z.tolist() == [0.0, 1.0, 0.0]
    torch.testing.assert_close(s.v, tensor([0.5 + drive, 0.0, drive]))
    torch.testing.assert_close(s.i, tensor([4.0, 16.0, 0.0]))
    z, s = cell(tensor([0.0, 0.0, 0.0]), s)
    v0 = 0.5 + drive
    # neuron 1: v = 0 + 0.1 (0.5 e^{-2} + 16) > 1 fires again
    assert z.tolist() == [0.0, 1.0, 0.0]
    v2 = drive + 0.1 * (-drive + 0.5 * math.exp((drive - 1.0) / 0.5))
    torch.testing.assert_close(s.v, tensor([v0 + 0.1 * (-v0 + 0.5 * math.exp((v0 - 1.0) / 0.5) + 4.0), 0.0, v2]))
    torch.testing.assert_close(s.i, tensor([3.2, 12.8, 0.0]))


def test_cell_with_non_default_parameters_starts_at_v_leak():
    p = snn.LIFExParameters(delta_T=0.2, tau_syn_inv=100.0, tau_mem_inv=50.0, v_leak=0.5, v_th=0.8, v_reset=-0.2)
    cell = snn.LIFExCell(p, dt=0.002).double()
    x = tensor([2.0, 10.0])
    assert cell.initial_state(x).v.tolist() == [0.5, 0.5]
    z, s = cell(x)
    # v = 0.5 + 0.002*50 * ((0.5 - 0.5) + 0.2 e^{(0.5 - 0.8)/0.2} + x); i = (1 - 0.2) x
    assert z.tolist() == [0.0, 1.0]
    torch.testing.assert_close(s.v, tensor([0.7 + 0.02 * math.exp(-1.5), -0.2]))
    torch.testing.assert_close(s.i, tensor([1.6, 8.0]))


def test_recurrent_cell_adds_input_and_recurrent_currents_before_integrating():
    w_in = tensor([[12.0, 0.0], [0.0, 5.0]])
    w_rec = tensor([[0.0, 2.0], [9.0, 0.0]])
    cell = snn.LIFExRecurrentCell(2, 2, input_weights=w_in, recurrent_weights=w_rec).double()
    drive = 0.05 * math.exp(-2.0)
    z, s = cell(tensor([[1.0, 1.0]]))
    # i = W_in x = [12, 5]; v = 0.1 (0.5 e^{-2} + i) = [1.2 + d, 0.5 + d]
    assert z.tolist() == [[1.0, 0.0]]
    torch.testing.assert_close(s.v, tensor([[0.0, 0.5 + drive]]))
    torch.testing.assert_close(s.i, tensor([[9.6, 4.0]]))
    z, s = cell(tensor([[0.0, 0.0]]), s)
    # i = [9.6 + 2*0, 4 + 9*1] = [9.6, 13]; neuron 1: v = v1 + 0.1 (-v1 + 0.5 e^{(v1-1)/0.5} + 13) > 1
    assert z.tolist() == [[0.0, 1.0]]
    torch.testing.assert_close(s.v, tensor([[drive + 0.96, 0.0]]))
    torch.testing.assert_close(s.i, tensor([[7.68, 10.4]]))


def test_reset_passes_gradient_through_z_in_the_recurrent_step_as_in_norse():
    v = torch.tensor([[0.95]], dtype=f64, requires_grad=True)
    state = snn.LIFExState(z=torch.zeros(1, 1, dtype=f64), v=v, i=torch.zeros(1, 1, dtype=f64))
    x, w = tensor([[20.0]]), tensor([[1.0]])
    z, new = lif_ex_step(x, state, w, torch.zeros(1, 1, dtype=f64), snn.LIFExParameters())
    assert z.item() == 1.0 and new.v.item() == 0.0
    new.v.sum().backward()
    assert v.grad.item() != 0.0  # v_new = (1 - z) v_decayed + z v_reset, with z's surrogate gradient


def lif_ex_neuron(p, dt):
    """The LIFEx equations of one neuron on Python floats, for :func:`reference_run`."""

    def step(state, x):
        v, i = state
        i += x
        exponential = p.delta_T * math.exp((v - p.v_th) / p.delta_T)
        v_next = v + dt * p.tau_mem_inv * (p.v_leak - v + exponential + i)
        i -= dt * p.tau_syn_inv * i
        fired = v_next > p.v_th
        return fired, (p.v_reset if fired else v_next, i)

    return step


PARAMETERS = [
    snn.LIFExParameters(),
    snn.LIFExParameters(delta_T=0.3, tau_syn_inv=50.0, tau_mem_inv=30.0, v_leak=-0.1, v_th=0.7, v_reset=-0.3),
]


@pytest.mark.parametrize("p", PARAMETERS)
def test_long_run_matches_a_plain_reference_loop(p):
    currents = 40.0 * torch.rand(300, 4, generator=torch.Generator().manual_seed(3), dtype=f64)
    reference = reference_run(currents, (p.v_leak, 0.0), lif_ex_neuron(p, 0.001))
    z, s = snn.LIFEx(p).double()(currents.unsqueeze(1))
    assert_matches_reference(z.squeeze(1), s, reference, ("v", "i"))


@pytest.mark.parametrize("p", PARAMETERS)
def test_recurrent_layer_with_identity_input_and_no_recurrence_equals_the_feed_forward_layer(p):
    assert_recurrent_layer_with_identity_input_equals_feed_forward(snn.LIFExRecurrent, snn.LIFEx, p)


def test_bad_input_and_foreign_state_are_refused():
    with pytest.raises(ValueError, match="LIFExRecurrentCell: expected 3 input features in the last dimension, got 5"):
        snn.LIFExRecurrentCell(3, 4)(torch.zeros(2, 5))
    _, lif_state = snn.LIF()(torch.zeros(3, 1, 2))
    with pytest.raises(
        TypeError, match="LIFEx: expected a state of type LIFExFeedForwardState, got LIFFeedForwardState"
    ):
        snn.LIFEx()(torch.zeros(3, 1, 2), lif_state)
