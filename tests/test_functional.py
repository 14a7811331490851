"""Known answers of the functional building blocks that the modules' tests reach only through a
module: the integrate helpers, the recurrent current jump, the refractory and compartment updates,
the correlation sensor, the accumulators and the LIF current encoder (dt = 1 ms unless stated)."""

import math

import pytest
import torch
from known_answers import f64, tensor

import snn_deploy.functional as F
from snn_deploy.functional.encode import bernoulli_spikes, lif_current_encode
from snn_deploy.functional.izhikevich import izhikevich_integrate
from snn_deploy.functional.lif_adex import lif_adex_integrate
from snn_deploy.functional.lif_ex import exponential_leak, lif_ex_integrate
from snn_deploy.functional.lif_mc import couple_compartments
from snn_deploy.functional.lif_refrac import refractory_update
from snn_deploy.functional.lsnn import lsnn_integrate
from snn_deploy.functional.threshold import check_threshold_method


def zeros(*shape):
    return torch.zeros(*shape, dtype=f64)


def test_recurrent_current_adds_the_weighted_input_and_last_spikes():
    w_in = tensor([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]])
    w_rec = tensor([[0.0, 0.5], [2.0, 0.0]])
    i = F.recurrent_current(tensor([[1.0, 2.0]]), tensor([[1.0, 0.0, 2.0]]), tensor([[1.0, 1.0]]), w_in, w_rec)
    # i + W_in x + W_rec z = [1 + 7 + 0.5, 2 + 0 + 2]
    torch.testing.assert_close(i, tensor([[8.5, 4.0]]))


def test_lif_integrate_thresholds_the_integrated_voltage_and_decays_the_current():
    z, v, i = F.lif_integrate(tensor([0.5, 0.95]), tensor([4.0, 10.0]), F.LIFParameters(), 0.001)
    # v = v + 0.1 (i - v) = [0.85, 1.855]; i <- 0.8 i
    assert z.tolist() == [0.0, 1.0]
    torch.testing.assert_close(v, tensor([0.85, 0.0]))
    torch.testing.assert_close(i, tensor([3.2, 8.0]))


def test_exponential_leak_and_lif_ex_integrate():
    leak = exponential_leak(tensor([1.0, 0.0]), tensor(0.0), tensor(1.0), tensor(0.5))
    # (v_leak - v) + 0.5 e^{(v - 1)/0.5}
    torch.testing.assert_close(leak, tensor([-0.5, 0.5 * math.exp(-2.0)]))
    z, v, i = lif_ex_integrate(tensor([0.0]), tensor([5.0]), F.LIFExParameters(), 0.001)
    assert z.tolist() == [0.0]
    torch.testing.assert_close(v, tensor([0.1 * (0.5 * math.exp(-2.0) + 5.0)]))
    torch.testing.assert_close(i, tensor([4.0]))


def test_lif_adex_integrate_couples_a_to_the_old_voltage():
    z, v, i, a = lif_adex_integrate(tensor([0.5]), tensor([2.0]), tensor([0.1]), F.LIFAdExParameters(), 0.001)
    # v = 0.5 + 0.1 (-0.5 + 0.5 e^{-1} + 2 - 0.1); a = 0.1 + 0.002 (4 * 0.5 - 0.1)
    assert z.tolist() == [0.0]
    torch.testing.assert_close(v, tensor([0.5 + 0.1 * (1.4 + 0.5 * math.exp(-1.0))]))
    torch.testing.assert_close(i, tensor([1.6]))
    torch.testing.assert_close(a, tensor([0.1038]))


def test_lsnn_integrate_relaxes_then_raises_the_threshold():
    p = F.LSNNParameters(tau_adapt_inv=100.0)
    z, v, i, b = lsnn_integrate(tensor([0.0, 0.9]), tensor([5.0, 0.0]), tensor([1.0, 0.5]), p, 0.001)
    # v = [0.5, 0.81]; b = b + 0.1 (1 - b) = [1, 0.55]: neuron 1 fires and b jumps by 1.8
    assert z.tolist() == [0.0, 1.0]
    torch.testing.assert_close(v, tensor([0.5, 0.0]))
    torch.testing.assert_close(i, tensor([4.0, 0.0]))
    torch.testing.assert_close(b, tensor([1.0, 2.35]))


def test_izhikevich_integrate_and_recurrent_step():
    p = F.create_izhikevich_spiking_behavior(0.02, 0.2, -65.0, 6.0, -70.0, -70.0).p
    z, v, u = izhikevich_integrate(tensor([-70.0, 29.0]), tensor([-14.0, -14.0]), tensor([10.0, 0.0]), p, 0.001)
    # v = v + 0.25 (0.04 v^2 + 5 v + 140 - u + I) = [-67.5, 112.16]; u = u + 0.005 (0.2 v - u)
    assert z.tolist() == [0.0, 1.0]
    torch.testing.assert_close(v, tensor([-67.5, -65.0]))
    torch.testing.assert_close(u, tensor([-14.0, -14.0 + 0.005 * 19.8 + 6.0]))
    state = F.IzhikevichRecurrentState(z=tensor([[1.0]]), v=tensor([[-70.0]]), u=tensor([[-14.0]]))
    z, new = F.izhikevich_recurrent_step(tensor([[1.0]]), state, tensor([[10.0]]), tensor([[5.0]]), p)
    # I = 10 x + 5 z_last = 15
    assert z.tolist() == [[0.0]] and new.z.tolist() == [[0.0]]
    torch.testing.assert_close(new.v, tensor([[-66.25]]))


def test_li_steps_integrate_then_decay_the_current():
    v, state = F.li_feed_forward_step(tensor([10.0]), F.LIState(zeros(1), zeros(1)), F.LIParameters())
    torch.testing.assert_close(v, tensor([1.0]))
    torch.testing.assert_close(state.i, tensor([8.0]))
    state = F.LIState(zeros(1, 1), zeros(1, 1))
    v, state = F.li_step(tensor([[1.0, 3.0]]), state, tensor([[2.0, 1.0]]), F.LIParameters())
    torch.testing.assert_close(v, tensor([[0.5]]))
    torch.testing.assert_close(state.i, tensor([[4.0]]))


def test_refractory_update_masks_holds_and_counts_down():
    z, v, rho = refractory_update(
        tensor([2.0, 0.0, 0.0]),
        tensor([0.3, 0.3, 0.3]),
        tensor([1.0, 1.0, 0.0]),
        tensor([0.0, 0.0, 0.7]),
        tensor(5.0),
        "super",
        100.0,
    )
    assert z.tolist() == [0.0, 1.0, 0.0]
    torch.testing.assert_close(v, tensor([0.3, 0.0, 0.7]))
    torch.testing.assert_close(rho, tensor([1.0, 5.0, 0.0]))


def test_lif_refrac_steps_block_the_refractory_neuron():
    p = F.LIFRefracParameters()
    state = F.LIFRefracFeedForwardState(F.LIFFeedForwardState(v=tensor([0.0, 0.4]), i=zeros(2)), rho=tensor([0.0, 3.0]))
    z, new = F.lif_refrac_feed_forward_step(tensor([50.0, 50.0]), state, p)
    # both would fire (v = 5, 5.36); neuron 1 is refractory: no spike, v held at 0.4, rho 3 -> 2
    assert z.tolist() == [1.0, 0.0]
    torch.testing.assert_close(new.lif.v, tensor([0.0, 0.4]))
    torch.testing.assert_close(new.lif.i, tensor([40.0, 40.0]))
    torch.testing.assert_close(new.rho, tensor([5.0, 2.0]))
    state = F.LIFRefracState(F.LIFState(z=zeros(1, 2), v=tensor([[0.0, 0.4]]), i=zeros(1, 2)), rho=tensor([[0.0, 3.0]]))
    z, new = F.lif_refrac_step(tensor([[1.0]]), state, tensor([[20.0], [20.0]]), zeros(2, 2), p)
    assert z.tolist() == [[1.0, 0.0]] and new.lif.z.tolist() == [[1.0, 0.0]]
    torch.testing.assert_close(new.lif.v, tensor([[0.0, 0.4]]))
    torch.testing.assert_close(new.lif.i, tensor([[16.0, 16.0]]))
    torch.testing.assert_close(new.rho, tensor([[5.0, 2.0]]))


G = [[-100.0, 200.0], [50.0, 0.0]]


def test_couple_compartments_adds_dt_g_v():
    torch.testing.assert_close(couple_compartments(tensor([[1.0, 2.0]]), tensor(G), 0.001), tensor([[1.3, 2.05]]))


def test_lif_mc_steps_couple_after_the_reset_then_apply_the_refractory_update():
    w_in, w_rec = tensor([[5.0, 0.0], [0.0, 20.0]]), zeros(2, 2)
    x, state = tensor([[1.0, 1.0]]), F.LIFState(zeros(1, 2), zeros(1, 2), zeros(1, 2))
    z, new = F.lif_mc_step(x, state, w_in, w_rec, tensor(G), F.LIFParameters())
    # v = [0.5, 2.0 -> fires, 0]; then v + 0.001 G v = [0.5 - 0.05, 0 + 0.025]
    assert z.tolist() == [[0.0, 1.0]]
    torch.testing.assert_close(new.v, tensor([[0.45, 0.025]]))
    torch.testing.assert_close(new.i, tensor([[4.0, 16.0]]))
    refrac_state = F.LIFRefracState(state, rho=tensor([[0.0, 2.0]]))
    z, new = F.lif_mc_refrac_step(x, refrac_state, w_in, w_rec, tensor(G), F.LIFRefracParameters())
    # neuron 1 is refractory: spike masked, v held at its old value 0
    assert z.tolist() == [[0.0, 0.0]]
    torch.testing.assert_close(new.lif.v, tensor([[0.45, 0.0]]))
    torch.testing.assert_close(new.rho, tensor([[0.0, 1.0]]))


def test_correlation_sensor_step_decays_by_the_old_flag_and_jumps_on_spikes():
    state = F.CorrelationSensorState(
        post_pre=tensor([[[0.0, 1.0], [1.0, 0.0]]]),
        correlation_trace=torch.ones(1, 2, 2, dtype=f64),
        anti_correlation_trace=torch.ones(1, 2, 2, dtype=f64),
    )
    new = F.correlation_sensor_step(tensor([[1.0, 0.0]]), tensor([[0.0, 1.0]]), state, F.CorrelationSensorParameters())
    # c decays by 1% where q = 0, a where q = 1; c += pre, a += post; q = H(q + post - pre)
    torch.testing.assert_close(new.post_pre, tensor([[[0.0, 1.0], [1.0, 1.0]]]))
    torch.testing.assert_close(new.correlation_trace, tensor([[[1.99, 2.0], [1.0, 0.99]]]))
    torch.testing.assert_close(new.anti_correlation_trace, tensor([[[1.0, 1.99], [0.99, 2.0]]]))


def test_lif_correlation_step_feeds_input_and_last_spikes_to_the_sensors():
    p = F.LIFCorrelationParameters()
    sensor = F.CorrelationSensorState(zeros(1, 1, 1), zeros(1, 1, 1), zeros(1, 1, 1))
    state = F.LIFCorrelationState(F.LIFState(zeros(1, 1), zeros(1, 1), zeros(1, 1)), sensor, sensor)
    z, new = F.lif_correlation_step(tensor([[1.0]]), state, tensor([[20.0]]), zeros(1, 1), p)
    # i = 20, v = 2 fires; input sensor: pre = post = 1; recurrent sensor: pre = z_last = 0, post = 1
    assert z.tolist() == [[1.0]]
    assert [t.item() for t in new.input_correlation_state] == [0.0, 1.0, 1.0]
    assert [t.item() for t in new.recurrent_correlation_state] == [1.0, 0.0, 1.0]


def test_accumulators_and_regularize_step():
    z = tensor([1.0, 0.0, 1.0])
    assert F.spike_accumulator(z, None).item() == 2.0
    assert F.spike_accumulator(z, None, tensor(3.0)).item() == 5.0
    state = F.LIFFeedForwardState(v=tensor([0.5, 1.0, 0.0]), i=zeros(3))
    out, accumulated = F.regularize_step(z, state, F.voltage_accumulator, tensor([1.0, 1.0, 1.0]))
    assert out is z
    assert accumulated.tolist() == [1.5, 2.0, 1.0]
    assert F.regularize_step(z, state)[1].item() == 2.0


def test_check_threshold_method_names_the_owner():
    assert check_threshold_method("tanh") == "tanh"
    with pytest.raises(ValueError, match="LIFCell: unknown threshold method 'relu'; expected one of heaviside"):
        check_threshold_method("relu", "LIFCell")


def test_lif_current_encode_from_rest():
    spikes = lif_current_encode(tensor([20.0, 5.0]), 3, F.LIFParameters(), 0.001)
    # x = 20: v = 2 fires every step; x = 5: v = 0.5, 0.95, 1.355 fires in step 3
    assert spikes.tolist() == [[1.0, 0.0], [1.0, 0.0], [1.0, 1.0]]


def test_bernoulli_spikes_at_rates_zero_and_one():
    spikes = bernoulli_spikes(tensor([0.0, 1.0]), [4], torch.Generator().manual_seed(0))
    assert spikes.dtype == f64
    assert spikes.tolist() == [[0.0, 1.0]] * 4
