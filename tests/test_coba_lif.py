"""Known answers of the conductance-based LIF cell from its equations (dt = 1 ms unless stated)."""

import math

import pytest
import torch

import snn_deploy as snn
from snn_deploy.functional.coba_lif import coba_lif_step


def test_default_parameters_match_norse():
    p = snn.CobaLIFParameters()
    assert tuple(p) == (0.2, 0.2, 5.0, 0.25, -100.0, 60.0, -20.0, -70.0, -10.0, "super", 100.0)
    assert snn.CobaLIFState._fields == ("z", "v", "g_e", "g_i")


def cell_with_weights(input_weights, recurrent_weights, p=snn.CobaLIFParameters(), dt=0.001):
    input_weights, recurrent_weights = torch.as_tensor(input_weights), torch.as_tensor(recurrent_weights)
    cell = snn.CobaLIFCell(input_weights.shape[1], input_weights.shape[0], p, dt).to(input_weights.dtype)
    with torch.no_grad():
        cell.input_weights.copy_(input_weights)
        cell.recurrent_weights.copy_(recurrent_weights)
    return cell


def test_input_and_recurrent_spikes_jump_the_conductances_by_the_sign_of_their_weights():
    cell = cell_with_weights([[50.0], [-50.0], [5.0]], [[0.0, 0.0, 0.0], [-10.0, 0.0, 0.0], [10.0, 0.0, 0.0]])
    z, s = cell(torch.ones(1, 1))
    # g_e = relu(w) x = [50, 0, 5], g_i = relu(-w) x = [0, 50, 0], both decayed by 1 - 0.001*0.2;
    # v = -20 + 0.005 (0.25 (-20 + 20) + g_e (60 + 20) + g_i (-100 + 20)) = [-0.004 -> fires, -39.996, -18.0004]
    assert z.tolist() == [[1.0, 0.0, 0.0]]
    torch.testing.assert_close(s.g_e, torch.tensor([[49.99, 0.0, 4.999]]))
    torch.testing.assert_close(s.g_i, torch.tensor([[0.0, 49.99, 0.0]]))
    torch.testing.assert_close(s.v, torch.tensor([[-70.0, -39.996, -18.0004]]))
    z, s = cell(torch.zeros(1, 1), s)
    # neuron 0's spike adds 10 to g_i of neuron 1 and to g_e of neuron 2, then all decay by 0.9998:
    # v1 = -39.996 + 0.005 (0.25 * 19.996 + 59.978002 (-100 + 39.996))
    # v2 = -18.0004 + 0.005 (0.25 * -1.9996 + 14.9960002 (60 + 18.0004))
    assert z.tolist() == [[0.0, 0.0, 0.0]]
    torch.testing.assert_close(s.g_e, torch.tensor([[49.980002, 0.0, 14.9960002]]))
    torch.testing.assert_close(s.g_i, torch.tensor([[0.0, 59.978002, 0.0]]))
    torch.testing.assert_close(s.v, torch.tensor([[-37.4504987, -57.9656052, -12.1544294]]))


def test_non_default_parameters_and_dt():
    p = snn.CobaLIFParameters(
        tau_syn_exc_inv=1 / 0.3,
        tau_syn_inh_inv=1 / 0.5,
        e_rev_E=0.0,
        e_rev_I=-70.0,
        v_thresh=-50.0,
        v_reset=-65.0,
        v_rest=-65.0,
    )
    cell = cell_with_weights([[20.0], [-20.0], [2.0]], [[0.0] * 3] * 3, p, dt=0.01)
    assert cell.initial_state(torch.zeros(1, 1)).v.tolist() == [[-65.0] * 3]
    z, s = cell(torch.ones(1, 1))
    # g_e = [20, 0, 2] (1 - 0.01/0.3), g_i = [0, 20, 0] (1 - 0.01/0.5)
    # v = -65 + 0.05 (g_e (0 + 65) + g_i (-70 + 65)) = [-2.1667 -> fires, -69.9, -58.71667]
    assert z.tolist() == [[1.0, 0.0, 0.0]]
    torch.testing.assert_close(s.g_e, torch.tensor([[20.0 * (1 - 0.01 / 0.3), 0.0, 2.0 * (1 - 0.01 / 0.3)]]))
    torch.testing.assert_close(s.g_i, torch.tensor([[0.0, 19.6, 0.0]]))
    torch.testing.assert_close(s.v, torch.tensor([[-65.0, -69.9, -65.0 + 0.05 * 65 * 2.0 * (1 - 0.01 / 0.3)]]))


def test_initial_state_rests_at_v_rest_in_the_input_dtype():
    state = snn.CobaLIFCell(2, 3).initial_state(torch.zeros(4, 2, dtype=torch.float64))
    assert state.v.dtype == torch.float64 and state.v.shape == (4, 3)
    assert state.v.unique().tolist() == [-20.0]
    assert state.z.sum() == 0 and state.g_e.sum() == 0 and state.g_i.sum() == 0


def test_without_input_the_cell_rests_and_does_not_fire():
    z, s = snn.CobaLIFCell(3, 4)(torch.zeros(2, 3))
    assert z.sum() == 0 and s.v.unique().tolist() == [-20.0]


def test_weights_are_initialised_as_in_norse_and_keep_self_connections():
    torch.manual_seed(0)
    cell = snn.CobaLIFCell(400, 100)
    assert cell.input_weights.shape == (100, 400) and cell.recurrent_weights.shape == (100, 100)
    assert cell.input_weights.std().item() == pytest.approx(1 / math.sqrt(400), rel=0.02)
    assert cell.recurrent_weights.std().item() == pytest.approx(1 / math.sqrt(100), rel=0.03)
    assert torch.diagonal(cell.recurrent_weights).abs().sum() > 0


def reference_coba_run(spikes, w_in, w_rec, p, dt):
    """The CobaLIF equations as a plain loop over Python floats."""
    steps, inputs = spikes.shape
    hidden = w_in.shape[0]
    z, v, g_e, g_i = [0.0] * hidden, [float(p.v_rest)] * hidden, [0.0] * hidden, [0.0] * hidden
    out = []
    for t in range(steps):
        x = [float(value) for value in spikes[t]]
        z_new = []
        for j in range(hidden):
            weighted = [(float(w_in[j, k]), x[k]) for k in range(inputs)]
            weighted += [(float(w_rec[j, k]), z[k]) for k in range(hidden)]
            ge = g_e[j] + sum(max(w, 0.0) * s for w, s in weighted)
            gi = g_i[j] + sum(max(-w, 0.0) * s for w, s in weighted)
            ge -= dt * p.tau_syn_exc_inv * ge
            gi -= dt * p.tau_syn_inh_inv * gi
            v_next = v[j] + dt * p.c_m_inv * (
                p.g_l * (p.v_rest - v[j]) + ge * (p.e_rev_E - v[j]) + gi * (p.e_rev_I - v[j])
            )
            fired = v_next > p.v_thresh
            v[j], g_e[j], g_i[j] = (p.v_reset if fired else v_next), ge, gi
            z_new.append(1.0 if fired else 0.0)
        z = z_new
        out.append(z)
    return torch.tensor(out, dtype=torch.float64), torch.tensor(v, dtype=torch.float64)


def test_long_run_matches_a_plain_reference_loop():
    generator = torch.Generator().manual_seed(4)
    w_in = 5.0 * torch.randn(4, 5, generator=generator, dtype=torch.float64)
    w_rec = 5.0 * torch.randn(4, 4, generator=generator, dtype=torch.float64)
    spikes = (torch.rand(300, 5, generator=generator, dtype=torch.float64) < 0.2).double()
    cell = cell_with_weights(w_in, w_rec, snn.CobaLIFParameters(tau_syn_exc_inv=50.0, tau_syn_inh_inv=100.0))
    # the parameters as the module holds them (float32 buffers cast to float64)
    p = cell.p._replace(**{field: float(getattr(cell.p, field)) for field in cell.p._fields[:9]})
    expected_z, expected_v = reference_coba_run(spikes, w_in, w_rec, p, 0.001)
    state, zs = None, []
    for t in range(300):
        z, state = cell(spikes[t : t + 1], state)
        zs.append(z[0])
    assert expected_z.sum() > 20
    assert torch.equal(torch.stack(zs).detach(), expected_z)
    torch.testing.assert_close(state.v[0].detach(), expected_v)


def test_surrogate_gradient_reaches_input_and_both_weight_matrices():
    cell = cell_with_weights([[30.0, -5.0], [20.0, 10.0]], [[1.0, 2.0], [3.0, -4.0]])
    x = torch.tensor([[1.0, 1.0]], requires_grad=True)
    z, s = cell(x)
    z2, s2 = cell(x, s)
    (z.sum() + z2.sum() + s2.v.sum()).backward()
    assert x.grad.abs().sum() > 0
    assert cell.input_weights.grad.abs().sum() > 0 and cell.recurrent_weights.grad.abs().sum() > 0


def test_functional_step_is_pure():
    p = snn.CobaLIFParameters()
    zeros = torch.zeros(1, 1)
    state = snn.CobaLIFState(z=zeros, v=zeros - 20.0, g_e=zeros, g_i=zeros)
    z, new = coba_lif_step(torch.ones(1, 1), state, torch.tensor([[50.0]]), torch.zeros(1, 1), p)
    assert z.tolist() == [[1.0]] and state.v.tolist() == [[-20.0]] and new.v.tolist() == [[-70.0]]


def test_wrong_feature_size_is_a_value_error():
    with pytest.raises(ValueError, match="CobaLIFCell: expected 3 input features in the last dimension, got 2"):
        snn.CobaLIFCell(3, 4)(torch.zeros(5, 2))
