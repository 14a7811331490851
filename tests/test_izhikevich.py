"""Known answers of the Izhikevich family: first steps by hand, a long run against a plain loop, and
the firing patterns of Izhikevich (2004), Fig. 1, on the stimuli of that figure (times in ms)."""

import numpy as np
import pytest
import torch
from known_answers import assert_matches_reference, reference_run

import snn_deploy as snn
from snn_deploy.functional.izhikevich import izhikevich_feed_forward_step

f32 = torch.float32

# name: (a, b, c, d, mn, bias, tau_inv, initial v, initial u), as in norse 1.1
PRESETS = {
    "tonic_spiking": (0.02, 0.2, -65, 6, 5, 140, 250, -70, -70 * 0.2),
    "phasic_spiking": (0.02, 0.25, -65, 6, 5, 140, 250, -64, -64 * 0.25),
    "tonic_bursting": (0.02, 0.2, -50, 2, 5, 140, 250, -70, -70 * 0.2),
    "phasic_bursting": (0.02, 0.25, -55, 0.05, 5, 140, 200, -64, -64 * 0.25),
    "mixed_mode": (0.02, 0.2, -55, 4, 5, 140, 250, -70, -70 * 0.2),
    "spike_frequency_adaptation": (0.01, 0.2, -65, 8, 5, 140, 250, -70, -70 * 0.2),
    "class_1_exc": (0.02, -0.1, -55, 6, 4.1, 108, 250, -60, -60 * -0.1),
    "class_2_exc": (0.2, 0.26, -65, 0, 5, 140, 250, -64, -64 * 0.26),
    "spike_latency": (0.02, 0.2, -65, 6, 5, 140, 250, -70, -70 * 0.2),
    "subthreshold_oscillation": (0.05, 0.26, -60, 0, 5, 140, 250, -62, -62 * 0.26),
    "resonator": (0.1, 0.26, -60, -1, 5, 140, 250, -62, -62 * 0.26),
    "integrator": (0.02, -0.1, -55, 6, 4.1, 108, 250, -60, -60 * -0.1),
    "rebound_spike": (0.03, 0.25, -60, 4, 5, 140, 200, -64, -64 * 0.25),
    "rebound_burst": (0.03, 0.25, -52, 0, 5, 140, 200, -64, -64 * 0.25),
    "threshold_variability": (0.03, 0.25, -60, 4, 5, 140, 250, -64, -64 * 0.25),
    "bistability": (0.1, 0.26, -60, 0, 5, 140, 250, -61, -61 * 0.26),
    "dap": (1.0, 0.2, -60, -21, 5, 140, 100, -70, -70 * 0.2),
    "accomodation": (0.02, 1.0, -55, 4, 5, 140, 500, -65, -16),
    "inhibition_induced_spiking": (-0.02, -1.0, -60, 8, 5, 140, 250, -63.8, -63.8 * -1.0),
    "inhibition_induced_bursting": (-0.026, -1.0, -45, -2, 5, 140, 250, -63.8, -63.8 * -1.0),
}


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_has_norses_parameters_and_initial_state(name):
    p, s = getattr(snn, name)
    a, b, c, d, mn, bias, tau_inv, v, u = PRESETS[name]
    assert (p.a, p.b, p.c, p.d, p.mn, p.bias, p.tau_inv) == (a, b, c, d, mn, bias, tau_inv)
    assert (p.sq, p.v_th, p.method, p.alpha) == (0.04, 30.0, "super", 100.0)
    assert s.v == v and s.u == pytest.approx(u)


def test_named_tuples_have_norses_fields():
    assert snn.IzhikevichParameters._fields == (
        "a",
        "b",
        "c",
        "d",
        "sq",
        "mn",
        "bias",
        "v_th",
        "tau_inv",
        "method",
        "alpha",
    )
    assert snn.IzhikevichState._fields == ("v", "u")
    assert snn.IzhikevichRecurrentState._fields == ("z", "v", "u")
    assert snn.IzhikevichSpikingBehavior._fields == ("p", "s")


def test_cell_integrates_fires_and_resets_from_the_preset_state():
    cell = snn.IzhikevichCell(snn.tonic_spiking)
    z, s = cell(torch.tensor([0.0, 40.0, 400.0, 404.0]))
    # v = -70 + 0.25 (0.04*4900 - 350 + 140 + 14 + I) = -70 + 0.25 I; u = -14 + 0.005 (0.2*(-70) + 14) = -14
    # v = 30 is not above threshold; v = 31 fires: v <- c = -65, u <- u + d = -8
    assert z.tolist() == [0.0, 0.0, 0.0, 1.0]
    torch.testing.assert_close(s.v, torch.tensor([-70.0, -60.0, 30.0, -65.0]))
    torch.testing.assert_close(s.u, torch.tensor([-14.0, -14.0, -14.0, -8.0]))
    z, s = cell(torch.tensor([0.0, 40.0, 0.0, 0.0]), s)
    # v = -60 + 0.25 (144 - 300 + 140 + 14 + 40) = -50.5, u = -14 + 0.005 (-12 + 14) = -13.99
    # v = 30 + 0.25 (36 + 150 + 154) = 115 fires, u = -14 + 0.005 (6 + 14) + 6 = -7.9
    # v = -65 + 0.25 (169 - 325 + 148) = -67, u = -8 + 0.005 (-13 + 8) = -8.025
    assert z.tolist() == [0.0, 0.0, 1.0, 0.0]
    torch.testing.assert_close(s.v, torch.tensor([-70.0, -50.5, -65.0, -67.0]))
    torch.testing.assert_close(s.u, torch.tensor([-14.0, -13.99, -7.9, -8.025]))


def test_custom_behaviour_with_non_default_parameters_and_dt():
    behaviour = snn.create_izhikevich_spiking_behavior(
        a=0.1, b=0.5, c=-50.0, d=2.0, v_rest=-60.0, u_rest=-40.0, tau_inv=100.0, mn=4.1, bias=108.0
    )
    assert behaviour.s == snn.IzhikevichState(v=-60.0, u=-20.0)
    cell = snn.IzhikevichCell(behaviour, dt=0.002)
    z, s = cell(torch.tensor([10.0, 500.0]))
    # step 0.2 ms: v = -60 + 0.2 (144 - 246 + 108 + 20 + I) = [-52.8, 45.2]; u = -20 + 0.02 (-30 + 20) = -20.2
    assert z.tolist() == [0.0, 1.0]
    torch.testing.assert_close(s.v, torch.tensor([-52.8, -50.0]))
    torch.testing.assert_close(s.u, torch.tensor([-20.2, -18.2]))


def test_threshold_is_a_parameter():
    p = snn.IzhikevichParameters(a=0.02, b=0.2, c=-65.0, d=6.0, v_th=40.0)
    behaviour = snn.IzhikevichSpikingBehavior(p, snn.IzhikevichState(v=-70.0, u=-14.0))
    z, s = snn.IzhikevichCell(behaviour)(torch.tensor([404.0, 444.0]))
    assert z.tolist() == [0.0, 1.0] and s.v.tolist() == [31.0, -65.0]


def test_per_neuron_initial_state_broadcasts_to_the_input():
    behaviour = snn.IzhikevichSpikingBehavior(
        snn.tonic_spiking.p, snn.IzhikevichState(v=torch.tensor([-70.0, -60.0]), u=torch.tensor([-14.0, -12.0]))
    )
    layer = snn.Izhikevich(behaviour).double()
    state = layer.initial_state(torch.zeros(7, 3, 2, dtype=torch.float64))
    assert state.v.dtype == torch.float64 and state.v.tolist() == [[-70.0, -60.0]] * 3
    assert state.u.tolist() == [[-14.0, -12.0]] * 3


def test_initial_state_follows_the_input_dtype_and_shape():
    state = snn.IzhikevichCell(snn.accomodation).initial_state(torch.zeros(4, 3, dtype=torch.float64))
    assert state.v.dtype == torch.float64 and state.v.shape == (4, 3)
    assert state.v.unique().tolist() == [-65.0] and state.u.unique().tolist() == [-16.0]
    recurrent = snn.IzhikevichRecurrent(2, 5, snn.tonic_spiking).initial_state(torch.zeros(10, 4, 2))
    assert recurrent.z.shape == (4, 5) and recurrent.z.sum() == 0
    assert recurrent.v.unique().tolist() == [-70.0] and recurrent.u.unique().tolist() == [-14.0]


def test_behaviour_becomes_buffers():
    cell = snn.IzhikevichCell(snn.class_1_exc)
    buffers = dict(cell.named_buffers())
    assert {"a", "b", "c", "d", "sq", "mn", "bias", "v_th", "tau_inv", "initial_v", "initial_u"} <= set(buffers)
    assert buffers["mn"].item() == pytest.approx(4.1) and buffers["initial_u"].item() == pytest.approx(6.0)


def test_recurrent_cell_adds_input_and_recurrent_currents():
    w_in = torch.tensor([[40.0, 0.0], [0.0, 404.0]])
    w_rec = torch.tensor([[0.0, 10.0], [0.0, 0.0]])
    cell = snn.IzhikevichRecurrentCell(2, 2, snn.tonic_spiking, input_weights=w_in, recurrent_weights=w_rec)
    z, s = cell(torch.tensor([[1.0, 1.0]]))
    # I = [40, 404]: v = [-60, 31 -> fires -> -65], u = [-14, -8]
    assert z.tolist() == [[0.0, 1.0]]
    torch.testing.assert_close(s.v, torch.tensor([[-60.0, -65.0]]))
    z, s = cell(torch.zeros(1, 2), s)
    # I = W_rec z = [10, 0]: v = -60 + 0.25 (144 - 300 + 154 + 10) = -58, -65 + 0.25 (169 - 325 + 148) = -67
    assert z.tolist() == [[0.0, 0.0]]
    torch.testing.assert_close(s.v, torch.tensor([[-58.0, -67.0]]))
    torch.testing.assert_close(s.u, torch.tensor([[-13.99, -8.025]]))


def test_reset_passes_the_surrogate_gradient_as_in_norse():
    v = torch.tensor([29.0], requires_grad=True)
    z, s = izhikevich_feed_forward_step(
        torch.tensor([100.0]), snn.IzhikevichState(v, torch.tensor([0.0])), snn.tonic_spiking.p
    )
    (z + s.v).sum().backward()
    assert z.item() == 1.0 and v.grad.abs().item() > 0


def test_spiking_method_must_be_a_behaviour():
    message = "IzhikevichCell: expected an IzhikevichSpikingBehavior .* got IzhikevichParameters"
    with pytest.raises(TypeError, match=message):
        snn.IzhikevichCell(snn.tonic_spiking.p)
    with pytest.raises(TypeError, match="IzhikevichRecurrent: expected an IzhikevichSpikingBehavior"):
        snn.IzhikevichRecurrent(2, 3, None)


def test_unknown_threshold_method_is_refused():
    p = snn.tonic_spiking.p._replace(method="superspike")
    with pytest.raises(ValueError, match="Izhikevich: unknown threshold method 'superspike'"):
        snn.Izhikevich(snn.IzhikevichSpikingBehavior(p, snn.tonic_spiking.s))


def f32_value(x):
    return float(torch.tensor(x, dtype=f32))


def izhikevich_neuron(p, dt=0.001):
    """The Izhikevich equations of one neuron on Python floats, for :func:`reference_run`, with the
    parameters rounded to float32 as the module's float32 buffers hold them."""
    a, b, c, d, sq, mn, bias, v_th, tau_inv = (
        f32_value(x) for x in (p.a, p.b, p.c, p.d, p.sq, p.mn, p.bias, p.v_th, p.tau_inv)
    )

    def step(state, x):
        v, u = state
        v_next = v + tau_inv * dt * (sq * (v * v) + mn * v + bias - u + x)
        u_next = u + tau_inv * dt * a * (b * v - u)
        fired = v_next > v_th
        return fired, ((c, u_next + d) if fired else (v_next, u_next))

    return step


@pytest.mark.parametrize("behaviour", [snn.tonic_bursting, snn.class_1_exc])
def test_long_run_matches_a_plain_reference_loop(behaviour):
    currents = 20.0 * torch.rand(600, 3, generator=torch.Generator().manual_seed(5), dtype=torch.float64)
    initial = (f32_value(behaviour.s.v), f32_value(behaviour.s.u))
    reference = reference_run(currents, initial, izhikevich_neuron(behaviour.p))
    z, s = snn.Izhikevich(behaviour).double()(currents.unsqueeze(1))
    assert_matches_reference(z.squeeze(1), s, reference, ("v", "u"), min_spikes=15)


def test_recurrent_layer_equals_its_cell_stepped_by_hand():
    torch.manual_seed(2)
    layer = snn.IzhikevichRecurrent(3, 4, snn.mixed_mode)
    cell = snn.IzhikevichRecurrentCell(
        3, 4, snn.mixed_mode, input_weights=layer.input_weights, recurrent_weights=layer.recurrent_weights
    )
    x = 60.0 * torch.rand(40, 2, 3)
    z_layer, s_layer = layer(x)
    state = None
    for t in range(40):
        z, state = cell(x[t], state)
        assert torch.equal(z, z_layer[t])
    assert z_layer.sum() > 0 and torch.equal(state.v, s_layer.v) and torch.equal(state.u, s_layer.u)


# ---------------------------------------------------------------------------------------------
# Firing patterns of Izhikevich (2004), Fig. 1. The layer runs over a (T, 1, 1) input sampled at
# the behaviour's own step tau_inv * dt (0.25 ms for tau_inv = 250); times are in ms.


def step_current(amplitude, onset, base=0.0):
    return lambda t: amplitude if t > onset else base


def pulses(amplitude, *windows, base=0.0):
    return lambda t: amplitude if any(start < t < start + width for start, width in windows) else base


def combined(*stimuli):
    return lambda t: sum(stimulus(t) for stimulus in stimuli)


def spike_times(behaviour, stimulus, duration):
    step = float(behaviour.p.tau_inv) * 0.001
    times = np.arange(0.0, duration, step)
    x = torch.tensor([stimulus(t) for t in times], dtype=f32).reshape(-1, 1, 1)
    z, _ = snn.Izhikevich(behaviour)(x)
    return times[z.flatten().detach().numpy() == 1.0]


def bursts(times, gap=10.0):
    """Group spike times into bursts: a silence longer than ``gap`` ms starts a new burst."""
    groups = [[times[0]]]
    for previous, t in zip(times[:-1], times[1:]):
        groups.append([t]) if t - previous > gap else groups[-1].append(t)
    return groups


def test_tonic_spiking_fires_regularly():
    times = spike_times(snn.tonic_spiking, step_current(14.0, 10.0), 200)
    assert len(times) >= 6 and times[0] > 10.0
    settled = np.diff(times)[2:]  # after a short onset transient
    assert settled.max() - settled.min() < 1.0


def test_phasic_spiking_fires_once_at_onset():
    times = spike_times(snn.phasic_spiking, step_current(0.5, 20.0), 200)
    assert len(times) == 1 and 20.0 < times[0] < 60.0


def test_tonic_bursting_fires_repeated_bursts():
    groups = bursts(spike_times(snn.tonic_bursting, step_current(15.0, 22.0), 220))
    assert len(groups) >= 3 and all(len(group) >= 3 for group in groups)


def test_phasic_bursting_fires_one_burst_then_stays_silent():
    times = spike_times(snn.phasic_bursting, step_current(0.6, 20.0), 200)
    groups = bursts(times)
    assert len(groups) == 1 and len(groups[0]) >= 3 and times[-1] < 100.0


def test_mixed_mode_fires_a_burst_then_tonic_spikes():
    isi = np.diff(spike_times(snn.mixed_mode, step_current(10.0, 16.0), 160))
    assert isi[0] < 5.0 and isi[1] < 5.0
    assert len(isi) >= 4 and all(interval > 25.0 for interval in isi[2:])


def test_spike_frequency_adaptation_slows_down():
    isi = np.diff(spike_times(snn.spike_frequency_adaptation, step_current(30.0, 8.5), 85))
    assert len(isi) >= 4 and np.all(np.diff(isi) > 0) and isi[-1] > 5 * isi[0]


def test_class_1_and_2_excitability_fire_faster_on_a_ramp_class_1_from_a_lower_rate():
    class_1 = np.diff(spike_times(snn.class_1_exc, lambda t: 0.075 * (t - 30.0) if t > 30.0 else 0.0, 300))
    class_2 = np.diff(spike_times(snn.class_2_exc, lambda t: -0.5 + 0.015 * (t - 30.0) if t > 30.0 else -0.5, 300))
    for isi in (class_1, class_2):
        assert len(isi) >= 8 and isi[:3].mean() > 1.5 * isi[-3:].mean()
    assert class_1[0] > 1.5 * class_2[0]


def test_spike_latency_fires_after_the_pulse_ends():
    times = spike_times(snn.spike_latency, pulses(7.4, (10.0, 3.0)), 100)
    assert len(times) == 1 and times[0] > 13.0 + 3.0


def test_subthreshold_oscillation_rings_down_after_one_spike():
    behaviour = snn.subthreshold_oscillation
    layer = snn.Izhikevich(behaviour)
    times = np.arange(0.0, 200.0, 0.25)
    x = torch.tensor([2.0 if 20.0 < t < 25.0 else 0.0 for t in times]).reshape(-1, 4, 1, 1)
    state, v, spikes = None, [], 0.0
    for chunk in x:  # 1 ms per call, carrying the state
        z, state = layer(chunk, state)
        spikes += z.sum().item()
        v.append(state.v.item())
    p = behaviour.p
    # the stable fixed point: sq v^2 + (mn - b) v + bias = 0 with u = b v
    rest = (-(p.mn - p.b) - np.sqrt((p.mn - p.b) ** 2 - 4 * p.sq * p.bias)) / (2 * p.sq)
    deviation = np.array(v[30:]) - rest
    crossings = np.nonzero(np.diff(np.sign(deviation)))[0]
    extremes = [np.abs(deviation[start:end]).max() for start, end in zip(crossings[:-1], crossings[1:])]
    assert spikes == 1.0 and len(crossings) >= 3
    assert np.all(np.diff(extremes) < 0) and max(v[30:]) < -55.0


def test_resonator_fires_only_to_a_pulse_pair_at_its_resonant_interval():
    pairs = pulses(0.65, (40.0, 4.0), (60.0, 4.0), (280.0, 4.0), (320.0, 4.0))  # 20 ms, then 40 ms apart
    resonant = spike_times(snn.resonator, pairs, 400)
    assert len(resonant) == 1 and 324.0 < resonant[0] < 350.0
    assert len(spike_times(snn.resonator, pulses(0.65, (320.0, 4.0)), 400)) == 0


def test_integrator_fires_only_to_closely_timed_pulses():
    t1, t3 = 100.0 / 11, 70.0
    times = spike_times(snn.integrator, pulses(9.0, (t1, 2.0), (t1 + 5, 2.0), (t3, 2.0), (t3 + 10, 2.0)), 100)
    assert len(times) == 1 and t1 + 5 < times[0] < t3
    assert len(spike_times(snn.integrator, pulses(9.0, (t1, 2.0)), 100)) == 0


def test_rebound_spike_fires_once_after_release_from_inhibition():
    times = spike_times(snn.rebound_spike, pulses(-15.0, (20.0, 5.0)), 200)
    assert len(times) == 1 and times[0] > 25.0


def test_rebound_burst_fires_one_burst_after_release_from_inhibition():
    times = spike_times(snn.rebound_burst, pulses(-15.0, (20.0, 5.0)), 200)
    assert times[0] > 25.0 and len(times) >= 3 and len(bursts(times)) == 1


def test_threshold_variability_fires_only_to_a_pulse_after_inhibition():
    excite = [(10.0, 5.0), (80.0, 5.0)]
    times = spike_times(snn.threshold_variability, combined(pulses(1.0, *excite), pulses(-6.0, (70.0, 5.0))), 100)
    assert len(times) == 1 and times[0] > 80.0
    assert len(spike_times(snn.threshold_variability, pulses(1.0, *excite), 100)) == 0


def test_bistability_a_pulse_switches_firing_on_and_a_timed_pulse_switches_it_off():
    on = spike_times(snn.bistability, pulses(1.24, (37.5, 5.0), base=0.24), 300)
    assert on[0] > 37.5 and on[-1] > 250.0 and len(on) >= 6
    switch_off = on[on < 210.0][-1] + 8.0  # 8 ms after a spike
    off = spike_times(snn.bistability, pulses(1.24, (37.5, 5.0), (switch_off, 5.0), base=0.24), 300)
    assert len(off) >= 4 and off[-1] < 210.0


def test_inhibition_induced_spiking_fires_while_the_drive_is_lowered():
    times = spike_times(snn.inhibition_induced_spiking, lambda t: 80.0 if t < 50.0 or t > 250.0 else 75.0, 350)
    assert len(times) >= 3 and times[0] > 50.0 and times[-1] < 260.0
