"""Known answers of LIFCorrelation and its correlation sensors from their equations (dt = 1 ms)."""

import pytest
import torch
from known_answers import f64, tensor

import snn_deploy as snn

W_IN = [[20.0, 0.0], [5.0, 0.0]]
W_REC = [[0.0, 0.0], [30.0, 0.0]]


def test_default_parameters_and_fields_match_norse():
    p = snn.LIFCorrelationParameters()
    assert p.lif_parameters == snn.LIFParameters()
    assert p.input_correlation_parameters == p.recurrent_correlation_parameters == snn.CorrelationSensorParameters()
    assert tuple(snn.CorrelationSensorParameters()) == (1.0, 1.0, 10.0, 10.0)
    assert snn.CorrelationSensorState._fields == ("post_pre", "correlation_trace", "anti_correlation_trace")
    assert snn.LIFCorrelationState._fields == ("lif_state", "input_correlation_state", "recurrent_correlation_state")


def test_first_two_steps_of_lif_and_both_sensors():
    cell = snn.LIFCorrelation(2, 2).double()
    w_in, w_rec = tensor(W_IN), tensor(W_REC)
    z, s = cell(tensor([[1.0, 0.0]]), w_in, w_rec)
    # LIF: i = W_in x = [20, 5], v = [2, 0.5] -> z = [1, 0]
    assert z.tolist() == [[1.0, 0.0]]
    torch.testing.assert_close(s.lif_state.v, tensor([[0.0, 0.5]]))
    # input synapses (pre k = input, post j = neuron): pre mask x_k, post mask z_j
    inp = s.input_correlation_state
    assert inp.post_pre.tolist() == [[[0.0, 0.0], [1.0, 0.0]]]  # H(0 + z_j - x_k)
    assert inp.correlation_trace.tolist() == [[[1.0, 1.0], [0.0, 0.0]]]  # eta_p x_k
    assert inp.anti_correlation_trace.tolist() == [[[1.0, 0.0], [1.0, 0.0]]]  # eta_m z_j
    rec = s.recurrent_correlation_state  # pre: last spikes (none yet)
    assert rec.post_pre.tolist() == [[[1.0, 0.0], [1.0, 0.0]]]
    assert rec.correlation_trace.tolist() == [[[0.0, 0.0], [0.0, 0.0]]]
    assert rec.anti_correlation_trace.tolist() == [[[1.0, 0.0], [1.0, 0.0]]]

    z, s = cell(tensor([[0.0, 0.0]]), w_in, w_rec, s)
    # LIF: i = [16, 4 + 30 z_0] -> v = [1.6, 0.5 + 0.1 (34 - 0.5)] -> both fire
    assert z.tolist() == [[1.0, 1.0]]
    torch.testing.assert_close(s.lif_state.i, tensor([[12.8, 27.2]]))
    # traces decay by dt/tau = 0.01: c where post_pre was 0, a where it was 1; then jump
    inp = s.input_correlation_state
    assert inp.post_pre.tolist() == [[[1.0, 1.0], [1.0, 1.0]]]
    torch.testing.assert_close(inp.correlation_trace, tensor([[[0.99, 0.99], [0.0, 0.0]]]))
    torch.testing.assert_close(inp.anti_correlation_trace, tensor([[[2.0, 1.0], [1.99, 1.0]]]))
    rec = s.recurrent_correlation_state  # pre: z of step 0 = [1, 0]
    assert rec.post_pre.tolist() == [[[1.0, 0.0], [1.0, 1.0]]]
    torch.testing.assert_close(rec.correlation_trace, tensor([[[1.0, 1.0], [0.0, 0.0]]]))
    torch.testing.assert_close(rec.anti_correlation_trace, tensor([[[1.99, 1.0], [1.99, 1.0]]]))


def reference_sensor_run(pre, post, p, dt):
    """The correlation sensor equations as a plain loop over Python floats, one synapse at a time."""
    steps, n_pre = pre.shape
    n_post = post.shape[1]
    q = [[0.0] * n_post for _ in range(n_pre)]
    c = [[0.0] * n_post for _ in range(n_pre)]
    a = [[0.0] * n_post for _ in range(n_pre)]
    for t in range(steps):
        for k in range(n_pre):
            for j in range(n_post):
                zp, zq = float(pre[t, k]), float(post[t, j])
                c[k][j] += -(1.0 - q[k][j]) * dt * p.tau_c_inv * c[k][j] + p.eta_p * zp
                a[k][j] += -q[k][j] * dt * p.tau_ac_inv * a[k][j] + p.eta_m * zq
                q[k][j] = 1.0 if q[k][j] + zq - zp > 0 else 0.0
    return tensor(q), tensor(c), tensor(a)


def test_long_run_with_non_default_parameters_matches_a_plain_reference_loop_per_batch_entry():
    sensor = snn.CorrelationSensorParameters(eta_p=0.5, eta_m=2.0, tau_ac_inv=40.0, tau_c_inv=25.0)
    p = snn.LIFCorrelationParameters(snn.LIFParameters(v_th=0.5), sensor, snn.CorrelationSensorParameters(eta_p=0.25))
    cell = snn.LIFCorrelation(3, 4, p).double()
    generator = torch.Generator().manual_seed(5)
    x = (torch.rand(40, 2, 3, generator=generator) < 0.3).to(f64)
    w_in = 15.0 * torch.rand(4, 3, generator=generator, dtype=f64)
    w_rec = torch.randn(4, 4, generator=generator, dtype=f64)
    state, spikes = None, []
    for x_t in x:
        z, state = cell(x_t, w_in, w_rec, state)
        spikes.append(z)
    spikes = torch.stack(spikes)
    assert spikes.sum() > 10
    last_spikes = torch.cat([torch.zeros_like(spikes[:1]), spikes[:-1]])
    for b in range(2):  # every batch entry has its own sensors (norse mixes them for batch > 1)
        for got, pre, params in (
            (state.input_correlation_state, x[:, b], sensor),
            (state.recurrent_correlation_state, last_spikes[:, b], p.recurrent_correlation_parameters),
        ):
            q, c, a = reference_sensor_run(pre, spikes[:, b], params, 0.001)
            assert torch.equal(got.post_pre[b], q)
            torch.testing.assert_close(got.correlation_trace[b], c)
            torch.testing.assert_close(got.anti_correlation_trace[b], a)


def test_initial_state_shapes_and_dtype_follow_the_input():
    p = snn.LIFCorrelationParameters(snn.LIFParameters(v_leak=0.5))
    state = snn.LIFCorrelation(3, 4, p).double().initial_state(torch.zeros(2, 3, dtype=f64))
    assert state.lif_state.v.tolist() == [[0.5] * 4] * 2
    assert state.input_correlation_state.correlation_trace.shape == (2, 3, 4)
    assert state.recurrent_correlation_state.post_pre.shape == (2, 4, 4)
    assert all(leaf.dtype == f64 for leaf in (*state.input_correlation_state, *state.recurrent_correlation_state))


def test_parameters_are_buffers_named_by_their_path():
    buffers = dict(snn.LIFCorrelation(2, 3).named_buffers())
    assert buffers["lif_parameters_v_th"].item() == 1.0
    assert buffers["recurrent_correlation_parameters_tau_c_inv"].item() == 10.0
    assert not list(snn.LIFCorrelation(2, 3).parameters())  # the weights come with every call


@pytest.mark.parametrize(
    "args, error, message",
    [
        (
            (torch.zeros(1, 3), torch.zeros(3, 2), torch.zeros(3, 3)),
            ValueError,
            "LIFCorrelation: expected 2 input features in the last dimension, got 3",
        ),
        (
            (torch.zeros(1, 2), torch.zeros(2, 3), torch.zeros(3, 3)),
            ValueError,
            r"LIFCorrelation: expected input_weights of shape \(3, 2\), got \(2, 3\)",
        ),
        (
            (torch.zeros(1, 2), torch.zeros(3, 2), torch.zeros(3, 2)),
            ValueError,
            r"LIFCorrelation: expected recurrent_weights of shape \(3, 3\), got \(3, 2\)",
        ),
        (
            (torch.zeros(1, 2), torch.zeros(3, 2, dtype=torch.long), torch.zeros(3, 3)),
            TypeError,
            "LIFCorrelation: input_weights must be a floating-point tensor, got dtype torch.int64",
        ),
        (
            (torch.zeros(1, 2), None, torch.zeros(3, 3)),
            TypeError,
            "LIFCorrelation: input_weights must be a floating-point tensor, got NoneType",
        ),
        (
            (torch.zeros(2), torch.zeros(3, 2), torch.zeros(3, 3)),
            ValueError,
            r"LIFCorrelation: expected a 2-D input \(batch, input_size\), got 1-D",
        ),
    ],
)
def test_bad_input_or_weights_are_clear_errors(args, error, message):
    with pytest.raises(error, match=message):
        snn.LIFCorrelation(2, 3)(*args)


def test_state_of_another_batch_names_the_nested_field():
    cell = snn.LIFCorrelation(2, 3)
    weights = torch.zeros(3, 2), torch.zeros(3, 3)
    _, state = cell(torch.zeros(2, 2), *weights)
    with pytest.raises(ValueError, match=r"state field 'lif_state.z' has shape \(2, 3\), expected \(4, 3\)"):
        cell(torch.zeros(4, 2), *weights, state)
