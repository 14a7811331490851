"""Known answers of the refractory LIF family from its equations (dt = 1 ms unless stated)."""

import pytest
import torch
from known_answers import assert_matches_reference, f64, reference_run, tensor

import snn_deploy as snn


def test_default_parameters_and_fields_match_norse():
    p = snn.LIFRefracParameters()
    assert p.lif == snn.LIFParameters() and p.rho_reset == 5.0
    assert snn.LIFRefracState._fields == ("lif", "rho")
    assert snn.LIFRefracFeedForwardState._fields == ("lif", "rho")


def test_parameters_are_buffers_named_by_their_path_and_follow_to():
    cell = snn.LIFRefracCell(snn.LIFRefracParameters(snn.LIFParameters(v_th=0.75), rho_reset=3.0)).double()
    buffers = dict(cell.named_buffers())
    assert buffers["lif_v_th"].item() == 0.75 and buffers["rho_reset"].item() == 3.0
    assert cell.p.lif.v_th.dtype == f64 and cell.p.rho_reset.dtype == f64


def test_first_steps_fire_then_block_and_hold_the_voltage():
    cell = snn.LIFRefracCell().double()
    x = tensor([50.0, 5.0])
    z, s = cell(x)
    # i = x; v = 0.1 i = [5, 0.5]: neuron 0 fires, resets and becomes refractory for 5 steps
    assert z.tolist() == [1.0, 0.0]
    torch.testing.assert_close(s.lif.v, tensor([0.0, 0.5]))
    torch.testing.assert_close(s.lif.i, tensor([40.0, 4.0]))
    torch.testing.assert_close(s.rho, tensor([5.0, 0.0]))
    z, s = cell(x, s)
    # neuron 0: i = 90 would give v = 9, but it is refractory: no spike, v held at 0, rho 5 -> 4;
    # neuron 1: i = 9, v = 0.5 + 0.1 (9 - 0.5) = 1.35 fires and becomes refractory
    assert z.tolist() == [0.0, 1.0]
    torch.testing.assert_close(s.lif.v, tensor([0.0, 0.0]))
    torch.testing.assert_close(s.lif.i, tensor([72.0, 7.2]))
    torch.testing.assert_close(s.rho, tensor([4.0, 5.0]))


def test_refractory_period_counts_down_one_per_step_then_releases():
    cell = snn.LIFRefracCell().double()
    state, spikes, rhos, voltages = None, [], [], []
    for _ in range(8):
        z, state = cell(tensor([50.0]), state)
        spikes.append(z.item()), rhos.append(state.rho.item()), voltages.append(state.lif.v.item())
    assert spikes == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    assert rhos == [5.0, 4.0, 3.0, 2.0, 1.0, 0.0, 5.0, 4.0]
    assert voltages[:6] == [0.0] * 6


def test_non_default_refractory_period_and_reset():
    p = snn.LIFRefracParameters(snn.LIFParameters(v_reset=-0.5, v_th=0.8), rho_reset=2.0)
    cell = snn.LIFRefracCell(p, dt=0.002).double()
    state, spikes, voltages = None, [], []
    for _ in range(6):
        z, state = cell(tensor([50.0]), state)
        spikes.append(z.item()), voltages.append(state.lif.v.item())
    # v = 0.2 * 50 = 10 fires; then held at v_reset for 2 steps; then fires again: period 3
    assert spikes == [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    assert voltages == [-0.5] * 6


def test_recurrent_cell_feeds_back_only_the_spikes_that_were_not_blocked():
    w_in = tensor([[20.0], [0.0]])
    w_rec = tensor([[0.0, 0.0], [8.0, 0.0]])
    cell = snn.LIFRefracRecurrentCell(1, 2, input_weights=w_in, recurrent_weights=w_rec).double()
    x = tensor([[1.0]])
    z, s = cell(x)
    assert z.tolist() == [[1.0, 0.0]]
    torch.testing.assert_close(s.rho, tensor([[5.0, 0.0]]))
    z, s = cell(x, s)
    # neuron 0: i = 16 + 20 = 36 would fire but is refractory; neuron 1: i = 8 z_0 = 8, v = 0.8
    assert z.tolist() == [[0.0, 0.0]] and s.lif.z.tolist() == [[0.0, 0.0]]
    torch.testing.assert_close(s.lif.v, tensor([[0.0, 0.8]]))
    torch.testing.assert_close(s.lif.i, tensor([[28.8, 6.4]]))
    z, s = cell(x, s)
    # neuron 1 gets no current from the blocked spike: i = 6.4, v = 0.8 + 0.1 (6.4 - 0.8) = 1.36 fires
    assert z.tolist() == [[0.0, 1.0]]
    torch.testing.assert_close(s.lif.i, tensor([[(28.8 + 20.0) * 0.8, 6.4 * 0.8]]))
    torch.testing.assert_close(s.rho, tensor([[3.0, 5.0]]))


def refrac_neuron(p, dt):
    """The refractory LIF equations of one neuron on Python floats, for :func:`reference_run`."""
    lif = p.lif

    def step(state, x):
        v, i, rho = state
        i += x
        v_next = v + dt * lif.tau_mem_inv * (lif.v_leak - v + i)
        i -= dt * lif.tau_syn_inv * i
        if rho > 0:
            return False, (v, i, rho - 1.0)
        fired = v_next > lif.v_th
        return fired, (lif.v_reset if fired else v_next, i, p.rho_reset if fired else 0.0)

    return step


@pytest.mark.parametrize(
    "p",
    [
        snn.LIFRefracParameters(),
        snn.LIFRefracParameters(
            snn.LIFParameters(tau_syn_inv=50.0, tau_mem_inv=30.0, v_leak=-0.1, v_th=0.7, v_reset=-0.3), rho_reset=3.0
        ),
    ],
)
def test_long_run_matches_a_plain_reference_loop(p):
    generator = torch.Generator().manual_seed(3)
    currents = 60.0 * torch.rand(300, 4, generator=generator, dtype=f64)
    reference = reference_run(currents, (p.lif.v_leak, 0.0, 0.0), refrac_neuron(p, 0.001))
    cell, state, spikes = snn.LIFRefracCell(p).double(), None, []
    for x in currents:
        z, state = cell(x, state)
        spikes.append(z)
    assert_matches_reference(torch.stack(spikes), state, reference, ("lif.v", "lif.i", "rho"))


def test_initial_states_start_at_v_leak_with_the_input_dtype():
    p = snn.LIFRefracParameters(snn.LIFParameters(v_leak=0.25))
    state = snn.LIFRefracCell(p).double().initial_state(torch.zeros(2, 3, dtype=f64))
    assert state.lif.v.tolist() == [[0.25] * 3] * 2 and state.rho.dtype == f64
    state = snn.LIFRefracRecurrentCell(3, 4, p).initial_state(torch.zeros(2, 3))
    assert state.lif.z.shape == state.lif.v.shape == state.rho.shape == (2, 4)


def test_state_of_another_shape_names_the_nested_field():
    cell = snn.LIFRefracRecurrentCell(3, 4)
    _, state = cell(torch.zeros(2, 3))
    with pytest.raises(
        ValueError, match=r"LIFRefracRecurrentCell: state field 'lif.z' has shape \(2, 4\), expected \(5, 4\)"
    ):
        cell(torch.zeros(5, 3), state)


def test_plain_lif_state_is_a_type_error():
    _, state = snn.LIFCell()(torch.zeros(3))
    with pytest.raises(
        TypeError, match="LIFRefracCell: expected a state of type LIFRefracFeedForwardState, got LIFFeedForwardState"
    ):
        snn.LIFRefracCell()(torch.zeros(3), state)


def test_wrong_rank_and_features_are_value_errors():
    with pytest.raises(
        ValueError, match=r"LIFRefracRecurrentCell: expected an input of at least 1 dimensions .* got 0-D"
    ):
        snn.LIFRefracRecurrentCell(3, 4)(torch.zeros(()))
    with pytest.raises(
        ValueError, match="LIFRefracRecurrentCell: expected 3 input features in the last dimension, got 2"
    ):
        snn.LIFRefracRecurrentCell(3, 4)(torch.zeros(2, 2))


@pytest.mark.parametrize("factory", [snn.LIFRefracCell, lambda p: snn.LIFRefracRecurrentCell(2, 3, p)])
def test_unknown_nested_threshold_method_is_refused_at_construction(factory):
    with pytest.raises(ValueError, match="unknown threshold method 'superspike'"):
        factory(snn.LIFRefracParameters(snn.LIFParameters(method="superspike")))
