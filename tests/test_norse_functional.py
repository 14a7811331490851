"""The functional names added for norse 1.1 users against norse 1.1's own outputs.

``fixtures/norse_functional/reference.pt`` holds inputs and norse's outputs, made by
``fixtures/norse_functional/make_fixtures.py`` in a scratch environment with norse installed.
Spikes must be identical and every other value equal within 1e-6; every function runs with its
default ``p``, so the defaults are checked too.
"""

import pathlib
from typing import Callable, Dict

import pytest
import torch
from torch import Tensor

import snn_deploy.functional as F

REFERENCE = torch.load(
    pathlib.Path(__file__).parent / "fixtures" / "norse_functional" / "reference.pt", weights_only=True
)
zeros = torch.zeros(REFERENCE["steps/current"].shape[1], dtype=torch.float64)


def assert_equal_values(actual: Tensor, expected: Tensor) -> None:
    torch.testing.assert_close(actual, expected, rtol=1e-6, atol=1e-6)


def assert_run_matches(name: str, step: Callable, state, inputs: Tensor, fields: Dict[str, Callable]) -> None:
    """Run ``step`` over the rows of ``inputs`` and compare the spikes and state fields with norse's."""
    expected_z = REFERENCE[f"{name}/z"]
    assert expected_z.sum() > 5, "the reference run must spike"
    for t, x in enumerate(inputs):
        z, state = step(x, state)
        assert torch.equal(z, expected_z[t]), f"{name}: spikes differ at step {t}"
        for field, get in fields.items():
            assert_equal_values(get(state), REFERENCE[f"{name}/{field}"][t])


@pytest.mark.parametrize(
    "name, call",
    [
        ("super_fn", lambda x: F.super_fn(x, 100.0)),
        ("heavi_erfc_fn", lambda x: F.heavi_erfc_fn(x, 2.0)),
        ("heavi_tanh_fn", lambda x: F.heavi_tanh_fn(x, 2.0)),
        ("heavi_circ_fn", lambda x: F.heavi_circ_fn(x, 0.5)),
        ("triangle_fn", lambda x: F.triangle_fn(x)),
        ("logistic_fn", lambda x: F.logistic_fn(x, 2.0)),
        ("circ_dist_fn", lambda x: F.circ_dist_fn(x, 0.5)),
    ],
)
def test_threshold_functions_match_norse_values_and_gradients(name, call):
    x = REFERENCE["threshold/x"].clone().requires_grad_(True)
    torch.manual_seed(7)  # the seed norse's random thresholds drew with
    z = call(x)
    (grad,) = torch.autograd.grad(z, x, torch.ones_like(z))
    assert torch.equal(z.detach(), REFERENCE[f"threshold/{name}/z"])
    assert_equal_values(grad, REFERENCE[f"threshold/{name}/grad"])
    assert grad.abs().sum() > 0


@pytest.mark.parametrize("name", ["lif", "lif_ex"])
def test_current_encoders_match_norse(name):
    encoder = {"lif": F.lif_current_encoder, "lif_ex": F.lif_ex_current_encoder}[name]
    v = zeros
    for t, x in enumerate(REFERENCE["encoder/current"]):
        z, v = encoder(x, v)
        assert torch.equal(z, REFERENCE[f"encoder/{name}/z"][t])
        assert_equal_values(v, REFERENCE[f"encoder/{name}/v"][t])
    assert REFERENCE[f"encoder/{name}/z"].sum() > 5


def test_lif_adex_current_encoder_matches_norse_spikes_and_voltage_and_fixes_the_adaptation():
    current, v_in, a_in = (REFERENCE[f"encoder/{k}"] for k in ("current", "lif_adex/v_in", "lif_adex/a_in"))
    z, v, a = F.lif_adex_current_encoder(current, v_in, a_in)
    assert torch.equal(z, REFERENCE["encoder/lif_adex/z"])
    assert_equal_values(v, REFERENCE["encoder/lif_adex/v"])
    p = F.LIFAdExParameters()
    # norse returns the derivative tau_ada_inv (a_current (v - v_leak) - a) + z a_spike; we take the Euler step
    derivative = REFERENCE["encoder/lif_adex/a"] - z * p.adaptation_spike
    assert_equal_values(a, a_in + 0.001 * derivative + z * p.adaptation_spike)


def test_lif_mc_feed_forward_step_matches_norse():
    g = REFERENCE["steps/g_coupling"]
    assert_run_matches(
        "lif_mc_feed_forward_step",
        lambda x, s: F.lif_mc_feed_forward_step(x, s, g),
        F.LIFFeedForwardState(zeros, zeros),
        REFERENCE["steps/current"],
        {"v": lambda s: s.v, "i": lambda s: s.i},
    )


def test_lif_mc_refrac_feed_forward_step_is_norse_mc_step_then_refractory_update():
    g = REFERENCE["steps/g_coupling"]
    assert_run_matches(
        "lif_mc_refrac_feed_forward_composed",
        lambda x, s: F.lif_mc_refrac_feed_forward_step(x, s, g),
        F.LIFRefracFeedForwardState(F.LIFFeedForwardState(zeros, zeros), zeros),
        REFERENCE["steps/current"],
        {"v": lambda s: s.lif.v, "i": lambda s: s.lif.i, "rho": lambda s: s.rho},
    )


def test_coba_lif_feed_forward_step_matches_norse():
    assert_run_matches(
        "coba_lif_feed_forward_step",
        F.coba_lif_feed_forward_step,
        F.CobaLIFFeedForwardState(zeros - 65.0, zeros, zeros),
        REFERENCE["steps/coba_input"],
        {"v": lambda s: s.v, "g_e": lambda s: s.g_e, "g_i": lambda s: s.g_i},
    )


@pytest.mark.parametrize("reset", ["reset_value", "reset_subtract"])
def test_lif_box_feed_forward_step_matches_norse(reset):
    p = F.LIFBoxParameters(reset_method=getattr(F, reset))
    assert_run_matches(
        f"lif_box_feed_forward_step/{reset}",
        lambda x, s: F.lif_box_feed_forward_step(x, s, p),
        F.LIFBoxFeedForwardState(zeros),
        REFERENCE["steps/box_current"],
        {"v": lambda s: s.v},
    )


def test_li_box_steps_match_norse():
    v_ff, v_rec = F.LIBoxState(zeros), F.LIBoxState(zeros)
    w_in = REFERENCE["steps/w_in"]
    for t, (current, spikes) in enumerate(zip(REFERENCE["steps/box_current"], REFERENCE["steps/spikes"])):
        out_ff, v_ff = F.li_box_feed_forward_step(current, v_ff)
        out_rec, v_rec = F.li_box_step(spikes, v_rec, w_in)
        assert_equal_values(out_ff, REFERENCE["li_box_feed_forward_step/z"][t])
        assert_equal_values(v_ff.v, REFERENCE["li_box_feed_forward_step/v"][t])
        assert_equal_values(out_rec, REFERENCE["li_box_step/z"][t])
        assert_equal_values(v_rec.v, REFERENCE["li_box_step/v"][t])


def test_iaf_steps_match_norse():
    assert_run_matches(
        "iaf_feed_forward_step",
        F.iaf_feed_forward_step,
        F.IAFFeedForwardState(zeros),
        REFERENCE["steps/iaf_input"],
        {"v": lambda s: s.v},
    )
    w_in, w_rec = REFERENCE["steps/w_in"], REFERENCE["steps/w_rec"]
    assert_run_matches(
        "iaf_step",
        lambda x, s: F.iaf_step(x, s, w_in, w_rec),
        F.IAFState(zeros, zeros),
        REFERENCE["steps/spikes"],
        {"v": lambda s: s.v},
    )


ADEX_REFRAC_FIELDS = {
    "v": lambda s: s.lif_adex.v,
    "i": lambda s: s.lif_adex.i,
    "a": lambda s: s.lif_adex.a,
    "rho": lambda s: s.rho,
}


def test_lif_adex_refrac_steps_match_norse():
    assert_run_matches(
        "lif_adex_refrac_feed_forward_step",
        F.lif_adex_refrac_feed_forward_step,
        F.LIFAdExRefracFeedForwardState(F.LIFAdExFeedForwardState(zeros, zeros, zeros), zeros),
        REFERENCE["steps/current"],
        ADEX_REFRAC_FIELDS,
    )
    w_in, w_rec = 100 * REFERENCE["steps/w_in"], 100 * REFERENCE["steps/w_rec"]
    assert_run_matches(
        "lif_adex_refrac_step",
        lambda x, s: F.lif_adex_refrac_step(x, s, w_in, w_rec),
        F.LIFAdExRefracState(F.LIFAdExState(zeros, zeros, zeros, zeros), zeros),
        REFERENCE["steps/spikes"],
        ADEX_REFRAC_FIELDS,
    )


def test_lift_of_a_step_with_a_default_state_matches_norse():
    z, state = F.lift(F.lif_ex_feed_forward_step)(REFERENCE["steps/current"])
    assert torch.equal(z, REFERENCE["lift/z"])
    assert_equal_values(state.v, REFERENCE["lift/v"])
    assert_equal_values(state.i, REFERENCE["lift/i"])


def test_spikes_to_times_matches_norse_values_and_gradient():
    spikes = REFERENCE["spike_times/spikes"].clone().requires_grad_(True)
    times = F.spikes_to_times(spikes, 3)
    (grad,) = torch.autograd.grad(times, spikes, REFERENCE["spike_times/upstream"])
    assert torch.equal(times.detach(), REFERENCE["spike_times/times"])
    assert len(set(times.detach().flatten().tolist())) > 5
    assert_equal_values(grad, REFERENCE["spike_times/grad"])
