"""Known answers of the LSNN (adaptive-threshold LIF) family from its equations (dt = 1 ms unless stated)."""

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
from snn_deploy.functional.lsnn import lsnn_feed_forward_step, lsnn_step


def test_default_parameters_and_state_fields_match_norse():
    p = snn.LSNNParameters()
    assert (p.tau_syn_inv, p.tau_mem_inv, p.tau_adapt_inv, p.v_leak, p.v_th, p.v_reset, p.beta) == (
        200.0,
        100.0,
        1.0 / 800,
        0.0,
        1.0,
        0.0,
        1.8,
    )
    assert (p.method, p.alpha) == ("super", 100.0)
    assert snn.LSNNState._fields == ("z", "v", "i", "b")
    assert snn.LSNNFeedForwardState._fields == ("v", "i", "b")


def test_threshold_starts_at_v_th_as_in_norse():
    p = snn.LSNNParameters(v_leak=-0.5, v_th=2.0)
    state = snn.LSNNCell(p).initial_state(torch.zeros(3, 2))
    assert state.v.tolist() == [[-0.5, -0.5]] * 3 and state.b.tolist() == [[2.0, 2.0]] * 3
    state = snn.LSNNRecurrent(2, 4, p).initial_state(torch.zeros(10, 3, 2))
    assert state.b.shape == (3, 4) and bool((state.b == 2.0).all()) and bool((state.z == 0).all())


def test_cell_adds_the_input_after_the_threshold_and_raises_the_threshold_on_a_spike():
    cell = snn.LSNNCell().double()
    z, s = cell(tensor([5.0, 20.0, 0.0]))
    # v = 0 + 0.1 (0 - 0 + 0) = 0, b = 1 + dt/800 (1 - 1) = 1: no spike; only then i = x
    assert z.tolist() == [0.0, 0.0, 0.0]
    assert s.v.tolist() == [0.0, 0.0, 0.0] and s.b.tolist() == [1.0, 1.0, 1.0]
    assert s.i.tolist() == [5.0, 20.0, 0.0]
    z, s = cell(tensor([0.0, 0.0, 0.0]), s)
    # v = 0.1 i = [0.5, 2, 0] -> neuron 1 fires, resets, and its threshold jumps by beta = 1.8
    assert z.tolist() == [0.0, 1.0, 0.0]
    torch.testing.assert_close(s.v, tensor([0.5, 0.0, 0.0]))
    torch.testing.assert_close(s.i, tensor([4.0, 16.0, 0.0]))
    torch.testing.assert_close(s.b, tensor([1.0, 2.8, 1.0]))
    z, s = cell(tensor([0.0, 0.0, 0.0]), s)
    # v = [0.5 + 0.1 (4 - 0.5), 0 + 0.1 * 16] = [0.85, 1.6]; 1.6 < b = 2.8 + dt/800 (1 - 2.8): no spike
    # (a LIF neuron would fire again here)
    assert z.tolist() == [0.0, 0.0, 0.0]
    torch.testing.assert_close(s.v, tensor([0.85, 1.6, 0.0]))
    torch.testing.assert_close(s.b, tensor([1.0, 2.8 + 1.25e-6 * (1.0 - 2.8), 1.0]))


def test_cell_with_non_default_parameters_from_a_given_state():
    p = snn.LSNNParameters(
        tau_syn_inv=200.0, tau_mem_inv=100.0, tau_adapt_inv=100.0, v_leak=0.1, v_th=0.5, v_reset=-0.1, beta=0.3
    )
    cell = snn.LSNNCell(p, dt=0.002).double()
    state = snn.LSNNFeedForwardState(v=tensor([0.4, 0.45]), i=tensor([5.0, 0.0]), b=tensor([0.6, 0.5]))
    z, s = cell(tensor([1.0, 2.0]), state)
    # v = v + 0.2 ((0.1 - v) + i) = [1.34, 0.38]; i = 0.6 i + x; b = b + 0.2 (0.5 - b) + 0.3 z
    assert z.tolist() == [1.0, 0.0]
    torch.testing.assert_close(s.v, tensor([-0.1, 0.38]))
    torch.testing.assert_close(s.i, tensor([4.0, 2.0]))
    torch.testing.assert_close(s.b, tensor([0.88, 0.5]))


def test_recurrent_cell_adds_input_and_last_spikes_after_the_threshold():
    w_in = tensor([[12.0, 0.0], [0.0, 5.0]])
    w_rec = tensor([[0.0, 2.0], [9.0, 0.0]])
    cell = snn.LSNNRecurrentCell(2, 2, input_weights=w_in, recurrent_weights=w_rec).double()
    z, s = cell(tensor([[1.0, 1.0]]))
    assert z.tolist() == [[0.0, 0.0]] and s.i.tolist() == [[12.0, 5.0]]
    z, s = cell(tensor([[0.0, 0.0]]), s)
    # v = 0.1 i = [1.2, 0.5]: neuron 0 fires; its spike enters the current only in the next step
    assert z.tolist() == [[1.0, 0.0]]
    torch.testing.assert_close(s.v, tensor([[0.0, 0.5]]))
    torch.testing.assert_close(s.i, tensor([[9.6, 4.0]]))
    torch.testing.assert_close(s.b, tensor([[2.8, 1.0]]))
    z, s = cell(tensor([[0.0, 0.0]]), s)
    # v = [0.96, 0.85]; i = 0.8 i + W_rec z_last = [7.68 + 0, 3.2 + 9]
    assert z.tolist() == [[0.0, 0.0]]
    torch.testing.assert_close(s.v, tensor([[0.96, 0.85]]))
    torch.testing.assert_close(s.i, tensor([[7.68, 12.2]]))


def fire_once(step):
    """One step from v = 5, so that the neuron fires; returns ``v`` and the new state."""
    v = torch.tensor([[5.0]], dtype=f64, requires_grad=True)
    zeros, ones = torch.zeros(1, 1, dtype=f64), torch.ones(1, 1, dtype=f64)
    z, new = step(v, zeros, ones)
    assert z.item() == 1.0 and z.requires_grad
    return v, new


def test_recurrent_step_passes_no_gradient_through_z_in_reset_and_threshold_jump_as_in_norse():
    p = snn.LSNNParameters()
    v, new = fire_once(lambda v, zeros, ones: lsnn_step(zeros, snn.LSNNState(zeros, v, zeros, ones), zeros, zeros, p))
    assert torch.autograd.grad(new.v.sum(), v)[0].item() == 0.0
    assert not new.b.requires_grad


def test_feed_forward_step_passes_gradient_through_z_in_reset_and_threshold_jump_as_in_norse():
    p = snn.LSNNParameters()
    v, new = fire_once(
        lambda v, zeros, ones: lsnn_feed_forward_step(zeros, snn.LSNNFeedForwardState(v, zeros, ones), p)
    )
    assert torch.autograd.grad(new.v.sum(), v, retain_graph=True)[0].item() != 0.0
    assert torch.autograd.grad(new.b.sum(), v)[0].item() != 0.0


@pytest.mark.parametrize(
    "factory",
    [
        snn.LSNNCell,
        snn.LSNN,
        lambda **kw: snn.LSNNRecurrentCell(2, 3, **kw),
        lambda **kw: snn.LSNNRecurrent(2, 3, **kw),
    ],
)
def test_adjoint_is_refused_with_a_clear_error(factory):
    assert isinstance(factory(adjoint=False), torch.nn.Module)
    with pytest.raises(NotImplementedError, match=r"LSNN\w*: adjoint=True .* is not supported"):
        factory(adjoint=True)


def test_adjoint_is_the_positional_argument_after_p_as_in_norse():
    with pytest.raises(NotImplementedError):
        snn.LSNNRecurrent(2, 3, snn.LSNNParameters(), True)
    assert snn.LSNN(snn.LSNNParameters(), False, dt=0.002).dt == 0.002


def lsnn_neuron(p, dt):
    """The LSNN equations of one neuron on Python floats, for :func:`reference_run`."""

    def step(state, x):
        v, i, b = state
        v_next = v + dt * p.tau_mem_inv * (p.v_leak - v + i)
        i -= dt * p.tau_syn_inv * i
        b += dt * p.tau_adapt_inv * (p.v_th - b)
        fired = v_next > b
        b += p.beta if fired else 0.0
        i += x
        return fired, (p.v_reset if fired else v_next, i, b)

    return step


PARAMETERS = [
    snn.LSNNParameters(),
    snn.LSNNParameters(
        tau_syn_inv=50.0, tau_mem_inv=30.0, tau_adapt_inv=20.0, v_leak=-0.1, v_th=0.7, v_reset=-0.3, beta=0.5
    ),
]


@pytest.mark.parametrize("p", PARAMETERS)
def test_long_run_matches_a_plain_reference_loop(p):
    currents = 40.0 * torch.rand(300, 4, generator=torch.Generator().manual_seed(3), dtype=f64)
    reference = reference_run(currents, (p.v_leak, 0.0, p.v_th), lsnn_neuron(p, 0.001))
    z, s = snn.LSNN(p).double()(currents.unsqueeze(1))
    assert_matches_reference(z.squeeze(1), s, reference, ("v", "i", "b"))


@pytest.mark.parametrize("p", PARAMETERS)
def test_recurrent_layer_with_identity_input_and_no_recurrence_equals_the_feed_forward_layer(p):
    assert_recurrent_layer_with_identity_input_equals_feed_forward(snn.LSNNRecurrent, snn.LSNN, p)


def test_bad_input_and_foreign_state_are_refused():
    with pytest.raises(ValueError, match=r"LSNNRecurrentCell: expected an input of at least 1 dimensions .* got 0-D"):
        snn.LSNNRecurrentCell(3, 4)(torch.zeros(()))
    _, state = snn.LIFAdEx()(torch.zeros(3, 1, 2))
    with pytest.raises(
        TypeError, match="LSNN: expected a state of type LSNNFeedForwardState, got LIFAdExFeedForwardState"
    ):
        snn.LSNN()(torch.zeros(3, 1, 2), state)
    with pytest.raises(ValueError, match=r"LSNNCell: state field 'b' has shape \(2,\), expected \(3,\)"):
        snn.LSNNCell()(torch.zeros(3), snn.LSNNFeedForwardState(torch.zeros(3), torch.zeros(3), torch.zeros(2)))
