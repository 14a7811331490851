"""Known answers of the functional names added for norse 1.1 users (dt = 1 ms, default parameters),
and their norse signatures: default ``p``, norse's argument names, TorchScript."""

import math

import pytest
import torch
from known_answers import f64, tensor

import snn_deploy as snn
import snn_deploy.functional as F


def zeros(*shape):
    return torch.zeros(*shape, dtype=f64)


def gradient(function, x):
    x = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(function(x).sum(), x)
    return grad


def test_reset_value_and_reset_subtract():
    z, v = tensor([0.0, 1.0]), tensor([0.7, 1.4])
    assert F.reset_value(z, v, tensor(-0.5), tensor(1.0)).tolist() == [0.7, -0.5]
    torch.testing.assert_close(F.reset_subtract(z, v, tensor(-0.5), tensor(1.0)), tensor([0.7, 0.4]))


def test_deterministic_threshold_functions_step_at_zero_with_norse_surrogates():
    x = tensor([-1.0, 0.0, 0.5, 1.0])
    for function in (
        lambda x: F.super_fn(x, 100.0),
        lambda x: F.heavi_erfc_fn(x, 2.0),
        lambda x: F.heavi_tanh_fn(x, 2.0),
        lambda x: F.heavi_circ_fn(x, 0.5),
        F.triangle_fn,
    ):
        assert function(x).tolist() == [0.0, 0.0, 1.0, 1.0]
    # super_fn: 1/(|x|+1)^2 whatever alpha (as norse 1.1)
    torch.testing.assert_close(gradient(lambda x: F.super_fn(x, 100.0), x), tensor([0.25, 1.0, 1 / 2.25, 0.25]))
    torch.testing.assert_close(gradient(lambda x: F.super_fn(x, 3.0), x), tensor([0.25, 1.0, 1 / 2.25, 0.25]))
    # triangle_fn: alpha max(0, 1 - |x|) with norse's default alpha = 0.3
    torch.testing.assert_close(gradient(F.triangle_fn, x), tensor([0.0, 0.3, 0.15, 0.0]))
    torch.testing.assert_close(gradient(lambda x: F.heavi_tanh_fn(x, 2.0), x), 1 - torch.tanh(2 * x) ** 2)
    erfc = 2 * torch.exp(-((2 * x) ** 2)) / math.sqrt(math.pi)
    torch.testing.assert_close(gradient(lambda x: F.heavi_erfc_fn(x, 2.0), x), erfc)
    torch.testing.assert_close(gradient(lambda x: F.heavi_circ_fn(x, 0.5), x), 0.125 / (x * x + 0.25) ** 1.5)


def test_random_threshold_functions_are_certain_far_from_zero_and_carry_surrogates():
    x = tensor([-50.0, 50.0])
    assert F.logistic_fn(x, 10.0).tolist() == [0.0, 1.0]
    assert F.circ_dist_fn(x, 1e-3).tolist() == [0.0, 1.0]
    x0 = tensor([0.0])
    torch.testing.assert_close(gradient(lambda x: F.logistic_fn(x, 2.0), x0), tensor([1.0]))
    torch.testing.assert_close(gradient(lambda x: F.circ_dist_fn(x, 0.5), x0), tensor([1.0]))  # k^3 / (k^2)^(3/2)


def test_threshold_functions_script_and_match_eager():
    x = torch.linspace(-1.0, 1.0, 9, dtype=f64)
    for function, args in ((F.super_fn, (100.0,)), (F.heavi_tanh_fn, (2.0,)), (F.triangle_fn, (0.3,))):
        assert torch.equal(torch.jit.script(function)(x, *args), function(x, *args))


def test_current_encoders_first_step():
    p = F.LIFParameters()
    z, v = F.lif_current_encoder(tensor([5.0, 20.0]), zeros(2))
    # v = 0.1 x = [0.5, 2.0]; the second fires and resets to v_reset = 0
    assert z.tolist() == [0.0, 1.0]
    torch.testing.assert_close(v, tensor([0.5, 0.0]))
    z, v = F.lif_current_encoder(tensor([5.0]), zeros(1), p._replace(v_reset=tensor(-1.0)), dt=0.002)
    torch.testing.assert_close(v, tensor([1.0]))  # 0.2 * 5 = 1.0 is not above threshold
    z, v = F.lif_ex_current_encoder(tensor([5.0]), zeros(1))
    torch.testing.assert_close(v, tensor([0.1 * (5.0 + 0.5 * math.exp(-2.0))]))
    z, v, a = F.lif_adex_current_encoder(tensor([5.0]), tensor([0.2]), tensor([1.0]))
    # v = 0.2 + 0.1 (-0.2 + 0.5 e^{-1.6} + 5 - 1); a = 1 + 0.002 (4 v - 1)
    v_expected = 0.2 + 0.1 * (3.8 + 0.5 * math.exp(-1.6))
    assert z.tolist() == [0.0]
    torch.testing.assert_close(v, tensor([v_expected]))
    torch.testing.assert_close(a, tensor([1.0 + 0.002 * (4.0 * v_expected - 1.0)]))


def test_lif_box_and_li_box_first_steps():
    x = tensor([5.0, 15.0])
    z, state = F.lif_box_feed_forward_step(x, F.LIFBoxFeedForwardState(zeros(2)))
    # v = 0.1 x = [0.5, 1.5]: the second fires
    assert z.tolist() == [0.0, 1.0]
    torch.testing.assert_close(state.v, tensor([0.5, 0.0]))
    p = F.LIFBoxParameters(reset_method=F.reset_subtract)
    z, state = F.lif_box_feed_forward_step(x, F.LIFBoxFeedForwardState(zeros(2)), p)
    torch.testing.assert_close(state.v, tensor([0.5, 0.5]))
    v, state = F.li_box_feed_forward_step(x, F.LIBoxState(tensor([1.0, 1.0])))
    torch.testing.assert_close(v, tensor([1.4, 2.4]))  # 1 + 0.1 (x - 1)
    v, state = F.li_box_step(tensor([1.0, 1.0]), F.LIBoxState(zeros(1)), tensor([[2.0, 3.0]]))
    torch.testing.assert_close(v, tensor([0.5]))


def test_iaf_steps_sum_without_leak():
    z, state = F.iaf_feed_forward_step(tensor([0.3, 0.5]), F.IAFFeedForwardState(tensor([0.6, 0.6])))
    assert z.tolist() == [0.0, 1.0]
    torch.testing.assert_close(state.v, tensor([0.9, 0.0]))
    state = F.IAFState(z=tensor([[1.0, 0.0]]), v=tensor([[0.2, 0.2]]))
    z, state = F.iaf_step(tensor([[1.0]]), state, tensor([[0.5], [0.1]]), tensor([[0.0, 0.0], [0.4, 0.0]]))
    # v = 0.2 + [0.5, 0.1] + [0, 0.4] = [0.7, 0.7]
    assert z.tolist() == [[0.0, 0.0]]
    torch.testing.assert_close(state.v, tensor([[0.7, 0.7]]))


def test_lif_adex_refrac_step_holds_the_refractory_neuron():
    adex = F.LIFAdExFeedForwardState(v=tensor([0.95, 0.95]), i=tensor([50.0, 50.0]), a=zeros(2))
    z, state = F.lif_adex_refrac_feed_forward_step(zeros(2), F.LIFAdExRefracFeedForwardState(adex, tensor([0.0, 2.0])))
    # both cross the threshold; the second is refractory: no spike, voltage held, rho counts down
    assert z.tolist() == [1.0, 0.0]
    torch.testing.assert_close(state.lif_adex.v, tensor([0.0, 0.95]))
    torch.testing.assert_close(state.rho, tensor([5.0, 1.0]))
    torch.testing.assert_close(state.lif_adex.i, tensor([40.0, 40.0]))


def test_lif_mc_feed_forward_step_couples_before_the_lif_step():
    state = F.LIFFeedForwardState(v=tensor([0.5, 0.0]), i=zeros(2))
    g = tensor([[0.0, 0.0], [100.0, 0.0]])
    z, new = F.lif_mc_feed_forward_step(zeros(2), state, g)
    # v = [0.5, 0 + 0.001 * 100 * 0.5] = [0.5, 0.05], then v <- v + 0.1 (0 - v)
    torch.testing.assert_close(new.v, tensor([0.45, 0.045]))
    state = F.LIFRefracFeedForwardState(state, rho=tensor([1.0, 0.0]))
    z, new = F.lif_mc_refrac_feed_forward_step(zeros(2), state, g)
    torch.testing.assert_close(new.lif.v, tensor([0.5, 0.045]))  # the refractory compartment is held
    torch.testing.assert_close(new.rho, tensor([0.0, 0.0]))


def test_coba_lif_feed_forward_step_first_step():
    state = F.CobaLIFFeedForwardState(v=tensor([-65.0]), g_e=zeros(1), g_i=zeros(1))
    z, new = F.coba_lif_feed_forward_step(tensor([2.0]), state)
    g_e = 2.0 * (1 - 0.001 * 0.2)
    assert z.tolist() == [0.0]
    torch.testing.assert_close(new.g_e, tensor([g_e]), rtol=1e-6, atol=0)  # the float32 default decays
    torch.testing.assert_close(new.g_i, tensor([0.0]))
    torch.testing.assert_close(new.v, tensor([-65.0 + 0.005 * (0.25 * 45.0 + g_e * 125.0)]), rtol=1e-6, atol=0)


def test_step_functions_default_p_and_dt_like_norse():
    x, w = tensor([[3.0, 0.0]]), tensor([[1.0, 0.0], [0.0, 1.0]])
    state = F.LIFState(zeros(1, 2), zeros(1, 2), zeros(1, 2))
    z_default, s_default = F.lif_step(x, state, w, w)
    z, s = F.lif_step(x, state, w, w, F.LIFParameters(), 0.001)
    # the default p holds float32 0-d tensors, as norse's defaults do
    assert torch.equal(z_default, z) and s.v.sum() > 0
    torch.testing.assert_close(s_default.v, s.v, rtol=1e-6, atol=0)
    # norse's LIFEx/LIFAdEx feed-forward steps default the state to zeros as well
    z, s = F.lif_ex_feed_forward_step(tensor([5.0]))
    torch.testing.assert_close(s.v, tensor([0.1 * (5.0 + 0.5 * math.exp(-2.0))]))
    z, s = F.lif_adex_feed_forward_step(tensor([5.0]))
    torch.testing.assert_close(s.i, tensor([4.0]))
    for step in (F.lif_feed_forward_step, F.li_feed_forward_step, F.lsnn_feed_forward_step, F.lif_refrac_step):
        assert step.__defaults__[-1] == 0.001
        assert type(step.__defaults__[-2]).__name__.endswith("Parameters")


@pytest.mark.parametrize(
    "step, args",
    [
        (F.iaf_step, (F.IAFState(zeros(1, 2), zeros(1, 2)), torch.eye(2, dtype=f64), torch.eye(2, dtype=f64))),
        (F.iaf_feed_forward_step, (F.IAFFeedForwardState(zeros(1, 2)),)),
        (F.li_box_step, (F.LIBoxState(zeros(1, 2)), torch.eye(2, dtype=f64))),
        (F.li_box_feed_forward_step, (F.LIBoxState(zeros(1, 2)),)),
        (F.coba_lif_feed_forward_step, (F.CobaLIFFeedForwardState(zeros(1, 2), zeros(1, 2), zeros(1, 2)),)),
        (F.lif_mc_feed_forward_step, (F.LIFFeedForwardState(zeros(1, 2), zeros(1, 2)), torch.eye(2, dtype=f64))),
        (F.lif_current_encoder, (zeros(1, 2),)),
        (
            F.lif_step,
            (F.LIFState(zeros(1, 2), zeros(1, 2), zeros(1, 2)), torch.eye(2, dtype=f64), torch.eye(2, dtype=f64)),
        ),
    ],
)
def test_step_functions_script_with_their_default_p(step, args):
    x = tensor([[30.0, 5.0]])
    scripted = torch.jit.script(step)
    eager_out, scripted_out = step(x, *args), scripted(x, *args)
    assert torch.equal(eager_out[0], scripted_out[0])


def test_regularize_step_takes_norse_argument_names():
    z = tensor([1.0, 0.0, 1.0])
    state = F.LIFFeedForwardState(v=tensor([0.5, 1.0, 0.0]), i=zeros(3))
    out, total = F.regularize_step(z, s=state, accumulator=F.voltage_accumulator, state=tensor([1.0, 1.0, 1.0]))
    assert out is z and total.tolist() == [1.5, 2.0, 1.0]
    assert F.spike_accumulator(z, None, state=tensor(1.0)).item() == 3.0


def test_lift_runs_a_step_function_over_time_with_p_and_state():
    p = F.LIBoxParameters(tau_mem_inv=tensor(200.0))
    x = tensor([[1.0], [1.0], [1.0]])
    v, state = F.lift(F.li_box_feed_forward_step, p)(x, state=F.LIBoxState(zeros(1)))
    # v <- v + 0.2 (1 - v): 0.2, 0.36, 0.488
    torch.testing.assert_close(v, tensor([[0.2], [0.36], [0.488]]))
    torch.testing.assert_close(state.v, tensor([0.488]))


def test_the_new_names_are_public_like_norse_torch():
    for name in ("lift", "super_fn", "reset_subtract", "iaf_step", "LIFBoxParameters", "lif_current_encoder"):
        assert getattr(snn, name) is getattr(F, name)


def test_exp_filter_step():
    torch.testing.assert_close(F.exp_filter_step(tensor([2.0]), tensor([1.0]), 0.5), tensor([2.0]))


def test_spikes_to_times_returns_sorted_first_spike_indices_and_norse_gradient():
    spikes = torch.zeros(4, 1, 3, dtype=f64)
    spikes[1, 0, 0] = spikes[3, 0, 0] = spikes[2, 0, 1] = 1.0
    times = F.spikes_to_times(spikes, 2)
    inf = float("inf")
    assert times.tolist() == [[[1.0, 2.0, inf]], [[3.0, inf, inf]]]
    assert F.spikes_to_times(spikes, 9).shape == (4, 1, 3)  # at most T
    x = spikes.clone().requires_grad_(True)
    out = F.spikes_to_times(x, 1)
    (grad,) = torch.autograd.grad(out, x, torch.full_like(out, 2.0))
    expected = torch.zeros_like(spikes)
    expected[1, 0, 0] = expected[2, 0, 1] = -2.0  # -1 x the output gradient at the returned spikes
    assert torch.equal(grad, expected)
