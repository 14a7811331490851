"""norse 1.1's remaining functional names (issue 21): norse's outputs (fixtures made by
tests/fixtures/norse_extras/make_fixtures.py in a scratch norse environment), known answers from the
equations, and the export contract (compile fullgraph, TorchScript, or a clear refusal)."""

import io
import pathlib

import pytest
import torch

from snn_deploy.functional import (
    coba_lif,
    correlation_sensor,
    decode,
    izhikevich,
    lif,
    lif_adex,
    lif_adex_refrac,
    lif_refrac,
    logical,
    lsnn,
    receptive_field,
    stdp,
    stdp_sensor,
    superspike,
    tsodyks_makram,
)
from snn_deploy.functional.autograd_surrogates import CircDist, HeaviCirc, HeaviErfc, HeaviTanh, Logistic, Triangle
from snn_deploy.functional.defaults import default_parameters
from snn_deploy.functional.filter import exp_filter_step
from snn_deploy.functional.spikes_to_times_decoder import ToSpikeTimes, spikes_to_times
from snn_deploy.functional.threshold import THRESHOLD_METHODS, threshold

REFERENCE = torch.load(pathlib.Path(__file__).parent / "fixtures" / "norse_extras" / "reference.pt", weights_only=True)


def ref(key):
    return REFERENCE[key].float()


def close(actual, key, **tolerance):
    torch.testing.assert_close(actual.float(), ref(key), **tolerance)


def compiled(function):
    return torch.compile(function, fullgraph=True, backend="aot_eager")


@pytest.mark.parametrize("algorithm", ["additive", "additive_step", "multiplicative_pow", "multiplicative_relu"])
def test_stdp_step_linear_matches_norse(algorithm):
    mu = {"multiplicative_pow": 0.75, "multiplicative_relu": 1.0}.get(algorithm, 0.0)
    p = stdp.STDPParameters(eta_plus=3e-1, eta_minus=1e-1, stdp_algorithm=algorithm, mu=mu)
    z_pre, z_post, w = ref("stdp/z_pre"), ref("stdp/z_post"), ref("stdp/w0")
    state = stdp.STDPState(torch.zeros(2, 3), torch.zeros(2, 4))
    ws = []
    for t in range(len(z_pre)):
        w, returned = stdp.stdp_step_linear(z_pre[t], z_post[t], w, state, p)
        assert returned is state  # norse updates the state object in place and returns it
        ws.append(w)
    close(torch.stack(ws), f"stdp/linear/{algorithm}/w")
    close(state.t_pre, f"stdp/linear/{algorithm}/t_pre")
    close(state.t_post, f"stdp/linear/{algorithm}/t_post")


def test_stdp_step_linear_known_answer_and_compiles():
    # one step from zero traces: t = dt * 20 * z = 0.02 z; dw = eta+ z_post t_pre^T - eta- t_post z_pre^T
    p = stdp.STDPParameters(eta_plus=0.5, eta_minus=0.25, hardbound=False)
    z_pre, z_post = torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0]])
    w, state = stdp.stdp_step_linear(
        z_pre, z_post, torch.zeros(1, 2), stdp.STDPState(torch.zeros(1, 2), torch.zeros(1, 1)), p
    )
    torch.testing.assert_close(state.t_pre, torch.tensor([[0.02, 0.0]]))
    torch.testing.assert_close(w, torch.tensor([[0.5 * 0.02 - 0.25 * 0.02, 0.0]]))
    step = compiled(lambda zp, zq, w, a, b: stdp.stdp_step_linear(zp, zq, w, stdp.STDPState(a, b), p)[0])
    torch.testing.assert_close(step(z_pre, z_post, torch.zeros(1, 2), torch.zeros(1, 2), torch.zeros(1, 1)), w)
    with pytest.raises(ValueError, match="stdp_algorithm must be one of"):
        stdp.STDPParameters(stdp_algorithm="hebbian")


def test_stdp_step_conv2d_matches_norse():
    p = stdp.STDPParameters(eta_plus=3e-1, eta_minus=1e-1, convolutional=True, padding=1, hardbound=False)
    z_pre, z_post, w = ref("stdp/conv/z_pre"), ref("stdp/conv/z_post"), ref("stdp/conv/w0")
    state = stdp.STDPState(torch.zeros(2, 2, 5, 5), torch.zeros(2, 3, 5, 5))
    for t in range(len(z_pre)):
        w, state = stdp.stdp_step_conv2d(z_pre[t], z_post[t], w, state, p)
    close(w, "stdp/conv/w")


def test_stdp_sensor_and_tsodyks_makram_match_norse_and_script():
    z_pre, z_post = ref("stdp/z_pre"), ref("stdp/z_post")
    sensor = torch.jit.script(stdp_sensor.stdp_sensor_step)
    state = stdp_sensor.STDPSensorState(torch.zeros(2, 3), torch.zeros(2, 4))
    a_pre = []
    for t in range(len(z_pre)):
        state = sensor(z_pre[t], z_post[t], state, default_parameters(stdp_sensor.STDPSensorParameters), 0.001)
        a_pre.append(state.a_pre)
    close(torch.stack(a_pre), "stdp_sensor/a_pre")
    torch.testing.assert_close(state.a_post, ref("stdp_sensor/a_post")[-1])
    # known answer: one spike from rest jumps the trace by eta = 1
    s = stdp_sensor.stdp_sensor_step(
        torch.ones(1), torch.zeros(1), stdp_sensor.STDPSensorState(torch.ones(1), torch.zeros(1))
    )
    torch.testing.assert_close(s.a_pre, torch.tensor([1.0 - 0.01 + 1.0]))

    p = tsodyks_makram.TsodyksMakramParameters()
    stp = compiled(tsodyks_makram.stp_step)
    s = tsodyks_makram.TsodyksMakramState(u=torch.zeros(2, 3), x=torch.ones(2, 3))
    released = []
    for t in range(len(z_pre)):
        r, s = stp(z_pre[t], s, p)
        released.append(r)
    close(torch.stack(released), "stp/released")
    torch.testing.assert_close(s.u, ref("stp/u")[-1])
    torch.testing.assert_close(s.x, ref("stp/x")[-1])
    r, s = tsodyks_makram.stp_step(torch.ones(1), tsodyks_makram.TsodyksMakramState(torch.zeros(1), torch.ones(1)), p)
    torch.testing.assert_close(r, torch.tensor([0.45]))  # u' = U = 0.45, released u' x = 0.45
    torch.testing.assert_close(s.x, torch.tensor([0.55]))


def test_correlation_based_update_matches_norse_and_zeroes_the_traces():
    linear = torch.nn.Linear(24, 12)
    with torch.no_grad():
        linear.weight.copy_(ref("correlation/linear_weight"))
        linear.bias.copy_(ref("correlation/linear_bias"))
    state = correlation_sensor.CorrelationSensorState(
        torch.zeros(1, 3, 4), ref("correlation/c").clone(), ref("correlation/a").clone()
    )
    w0 = ref("correlation/w0")
    assert correlation_sensor.correlation_based_update(3, linear, w0, state, 0.1, 2) is w0  # not every 2nd step
    close(correlation_sensor.correlation_based_update(4, linear, w0, state, 0.1, 2), "correlation/w")
    assert state.correlation_trace.abs().sum() == 0 and state.anti_correlation_trace.abs().sum() == 0


def test_logic_matches_norse_with_the_superspike_gradient_and_scripts():
    x, y, c = ref("logic/x"), ref("logic/y"), ref("logic/c")
    close(logical.logical_and(x, y), "logic/and")
    close(logical.logical_or(x, y), "logic/or")
    close(logical.logical_xor(x, y), "logic/xor")
    close(logical.muller_c(c, x, y), "logic/muller_c")
    close(logical.posedge_detector(x, y), "logic/posedge")
    assert torch.jit.script(logical.muller_c)(c, x, y).tolist() == logical.muller_c(c, x, y).tolist()
    xg = torch.tensor([0.0, 1.0], requires_grad=True)
    logical.logical_or(xg, torch.tensor([0.0, 1.0])).sum().backward()
    torch.testing.assert_close(xg.grad, torch.tensor([1.0, 1 / 9]))  # 1 / (|x + y| + 1)^2
    assert decode.sum_decode(torch.ones(4, 2)).tolist() == [4.0, 4.0]
    assert decode.sum_decode(torch.ones(4, 2), 1).tolist() == [2.0] * 4


def test_integral_forms_match_norse_and_the_documented_lif_step_integral():
    ff = ref("neuron/ff")
    zeros = torch.zeros(2, 4)
    z, s = lif.lif_feed_forward_integral(ff, lif.LIFFeedForwardState(zeros, zeros))
    close(z, "lif_feed_forward_integral/z")
    close(s.v, "lif_feed_forward_integral/v")
    x, w_in, w_rec = ref("neuron/x"), ref("neuron/w_in"), ref("neuron/w_rec")
    z, s = lif.lif_step_integral(x, lif.LIFState(zeros, zeros, zeros), w_in, w_rec)
    close(z, "lif_step_integral/z")  # every step's spikes (norse returns the last step's only)
    close(s.v, "lif_step_integral/v")
    z, s = compiled(lif.lif_feed_forward_integral)(
        torch.ones(8, 1), lif.LIFFeedForwardState(torch.zeros(1), torch.zeros(1))
    )
    assert z.sum() == 1  # norse's own known answer
    torch.testing.assert_close(s.v, torch.tensor([0.7717]), atol=1e-4, rtol=0)


def test_sparse_steps_give_the_dense_values_and_refuse_compiling():
    x, w_in, w_rec = ref("neuron/x")[0], ref("neuron/w_in"), ref("neuron/w_rec")
    state = lif.LIFState(torch.tensor([[1.0, 0, 0, 1], [0, 1, 0, 0]]), torch.full((2, 4), 0.5), torch.ones(2, 4))
    dense_z, dense = lif.lif_step(x, state, w_in, w_rec)
    sparse_z, sparse = lif.lif_step_sparse(
        x.to_sparse(), state._replace(z=state.z.to_sparse()), w_in, w_rec, lif.LIFParameters()
    )
    assert sparse_z.is_sparse and torch.equal(sparse_z.to_dense(), dense_z)
    torch.testing.assert_close(sparse.v, dense.v)
    z, _ = lif.lif_feed_forward_step_sparse(
        torch.full((2, 4), 30.0), lif.LIFFeedForwardState(torch.zeros(2, 4), torch.zeros(2, 4)), lif.LIFParameters()
    )
    assert z.is_sparse and z.to_dense().sum() == 8
    refrac_state = lif_refrac.LIFRefracState(state._replace(z=state.z.to_sparse()), torch.tensor([[0.0, 2, 0, 0]] * 2))
    z, s = lif_refrac.lif_refrac_step_sparse(x.to_sparse(), refrac_state, w_in, w_rec)
    assert z.to_dense()[:, 1].sum() == 0  # the refractory neuron is silent
    with pytest.raises(Exception, match="sparse tensors, which torch.compile"):
        compiled(
            lambda v, i: lif.lif_feed_forward_step_sparse(v, lif.LIFFeedForwardState(v, i), lif.LIFParameters())[1].v
        )(torch.zeros(2), torch.zeros(2))


def test_ada_lif_step_matches_norse_and_scripts():
    x, w_in, w_rec = ref("neuron/x") * 5, ref("neuron/w_in"), ref("neuron/w_rec")
    step = torch.jit.script(lsnn.ada_lif_step)
    s = lsnn.LSNNState(*(torch.zeros(2, 4) for _ in range(4)))
    zs, vs, bs = [], [], []
    for t in range(len(x)):
        z, s = step(x[t], s, w_in, w_rec, default_parameters(lsnn.LSNNParameters), 0.001)
        zs.append(z)
        vs.append(s.v)
        bs.append(s.b)
    assert torch.stack(zs).sum() > 0
    close(torch.stack(zs), "ada_lif/z")
    close(torch.stack(vs), "ada_lif/v")
    close(torch.stack(bs), "ada_lif/b")


def test_compute_refractory_update_matches_norse():
    z_new, v_new, rho, v_old = ref("refrac/z_new"), ref("refrac/v_new"), ref("refrac/rho"), ref("refrac/v_old")
    zeros = torch.zeros_like(v_new)
    state = lif_refrac.LIFRefracFeedForwardState(lif.LIFFeedForwardState(v_old, zeros), rho)
    v, z, r = lif_refrac.compute_refractory_update(state, z_new, v_new)
    close(v, "refrac/lif/v")
    close(z, "refrac/lif/z")
    close(r, "refrac/lif/rho")
    adex = lif_adex_refrac.LIFAdExRefracFeedForwardState(lif_adex.LIFAdExFeedForwardState(v_old, zeros, zeros), rho)
    v, z, r = lif_adex_refrac.compute_refractory_update(adex, z_new, v_new)
    close(v, "refrac/adex/v")
    close(r, "refrac/adex/rho")
    assert torch.equal(v[:, 1], v_old[:, 1])  # refractory: the voltage is held


def test_bio_defaults_are_norses():
    assert lif.default_bio_parameters.v_th.item() == -50.0 and lif.default_bio_parameters.v_leak.item() == -65.0
    torch.testing.assert_close(lif.default_bio_parameters.tau_mem_inv, torch.tensor(1 / 20.0))
    torch.testing.assert_close(lif.default_bio_parameters.tau_syn_inv, torch.tensor(2.0))
    assert lif.default_bio_initial_state.v.item() == -65.0 and lif.default_bio_initial_state.i.item() == 0.0
    assert coba_lif.default_bio_state == coba_lif.CobaLIFState(0.0, -65.0, 0.0, 0.0)
    p = coba_lif.default_bio_parameters
    assert (p.tau_syn_exc_inv, p.tau_syn_inh_inv, p.e_rev_E, p.e_rev_I, p.v_thresh) == (1 / 0.3, 2.0, 0.0, -70.0, -50.0)
    assert p.c_m_inv == coba_lif.CobaLIFParameters().c_m_inv


@pytest.mark.parametrize("name", ["tonic_spiking", "class_1_exc", "dap", "accomodation", "inhibition_induced_bursting"])
def test_izhikevich_parameter_sets_are_norses(name):
    p = getattr(izhikevich, f"{name}_p")
    assert p is getattr(izhikevich, name).p
    torch.testing.assert_close(torch.tensor([float(v) for v in p[:7]]), ref(f"izhikevich/{name}_p"))


def test_receptive_field_helpers_match_norse_and_take_python_numbers():
    values = [
        receptive_field.calculate_normalization(d, s, g) for d, s, g in ((1, 2.0, 1), (2, 1.5, 0.5), (0, 3.0, 0.75))
    ]
    torch.testing.assert_close(torch.tensor(values), ref("rf/normalization"))
    assert receptive_field.calculate_normalization(1, 2.0, 1) == 2.0  # s^0 (s^2)^(1/2)
    field = receptive_field.spatial_receptive_field(torch.tensor(1.5), torch.tensor(0.3), torch.tensor(1.2), 9)
    close(field, "rf/field")
    close(
        receptive_field.derive_spatial_receptive_field(field, 1.5, 0.3, [(0, 0), (1, 0), (0, 1), (1, 1), (2, 0)]),
        "rf/derived",
    )
    close(receptive_field.covariance_matrix(1.5, 0.5, 0.25), "rf/covariance_numbers")


def test_spatio_temporal_parameters_pairs_every_row_with_every_temporal_scale():
    rows = receptive_field.spatial_parameters(torch.tensor([1.0, 2.0]), torch.tensor([0.0]), torch.tensor([0.5]), 0)
    combined = receptive_field.spatio_temporal_parameters(
        torch.tensor([1.0, 2.0]), torch.tensor([0.0]), torch.tensor([0.5]), 0, torch.tensor([1.0, 3.0])
    )
    assert combined.shape == (2 * len(rows), 6)
    assert combined[:, 5].tolist() == [1.0, 3.0] * len(rows)
    assert torch.equal(combined[::2, :5], rows) and torch.equal(combined[1::2, :5], rows)


@pytest.mark.parametrize(
    "name, cls, argument",
    [
        ("SuperSpike", superspike.SuperSpike, 100.0),
        ("HeaviErfc", HeaviErfc, 2.0),
        ("HeaviTanh", HeaviTanh, 2.0),
        ("HeaviCirc", HeaviCirc, 0.5),
        ("Triangle", Triangle, 0.3),
        ("Logistic", Logistic, 2.0),
        ("CircDist", CircDist, 0.5),
    ],
)
def test_autograd_surrogate_classes_match_norse(name, cls, argument):
    x = ref("surrogate/x").clone().requires_grad_(True)
    z = cls.apply(x, argument)
    (grad,) = torch.autograd.grad(z.sum(), x)
    close(grad, f"surrogate/{name}/grad")
    if f"surrogate/{name}/z" in REFERENCE:
        close(z, f"surrogate/{name}/z")
    else:  # a Bernoulli draw: certain far from zero
        assert cls.apply(torch.tensor([-50.0, 50.0]), argument).tolist() == [0.0, 1.0]


class _HeaviTanhModule(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return HeaviTanh.apply(x, 2.0)


def test_autograd_classes_cannot_be_saved_scripted_and_the_straight_through_forms_give_their_gradient():
    with pytest.raises(RuntimeError, match="Could not export Python function call 'HeaviTanh'"):
        torch.jit.save(torch.jit.script(_HeaviTanhModule()), io.BytesIO())
    x = torch.linspace(-1, 1, 7, requires_grad=True)
    (a,) = torch.autograd.grad(HeaviTanh.apply(x, 2.0).sum(), x)
    (b,) = torch.autograd.grad(threshold(x, "tanh", 2.0).sum(), x)
    torch.testing.assert_close(a, b)
    assert superspike.super_fn is not superspike.SuperSpike.apply


def test_threshold_refuses_an_unknown_method_also_without_grad():
    assert THRESHOLD_METHODS == (
        "heaviside",
        "super",
        "triangle",
        "tanh",
        "circ",
        "heavi_erfc",
        "super_alpha",
    )
    for x in (torch.ones(3), torch.ones(3, requires_grad=True)):
        with pytest.raises(ValueError, match="unknown threshold method 'noasd'"):
            threshold(x, "noasd", 10.0)
    with pytest.raises(Exception, match="unknown threshold method"):
        torch.jit.script(threshold)(torch.ones(2), "noasd", 1.0)


def test_exp_filter_step_filters_an_integer_state_in_float():
    out = exp_filter_step(torch.tensor([1]), torch.tensor([0]), 1)
    assert out.dtype == torch.float32 and out.tolist() == [1.0]
    torch.testing.assert_close(exp_filter_step(torch.tensor([1]), torch.tensor([0]), 0.1), torch.tensor([0.1]))


def test_to_spike_times_has_spikes_to_times_values_and_norses_gradient():
    assert torch.isinf(ToSpikeTimes.apply(torch.zeros(10, 1, 1), torch.as_tensor(10))).all()
    spikes = torch.zeros(10, 2, 3)
    spikes[1] = 1.0
    spikes[4, 0, 0] = 1.0
    spikes.requires_grad_(True)
    times = ToSpikeTimes.apply(spikes, torch.as_tensor(2))
    torch.testing.assert_close(times.detach(), spikes_to_times(spikes.detach(), 2))
    assert times[:, 0, 0].tolist() == [1.0, 4.0]
    upstream = torch.where(torch.isinf(times), torch.zeros_like(times), torch.ones_like(times))
    (grad,) = torch.autograd.grad(times, spikes, upstream)
    expected = torch.zeros(10, 2, 3)
    expected[1] = -1.0
    expected[4, 0, 0] = -1.0
    assert torch.equal(grad, expected)
