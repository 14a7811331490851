"""Module classes added for norse 1.1 users against norse 1.1's own runs.

``fixtures/norse_modules/reference.pt`` holds the inputs, norse's outputs and the norse modules'
``state_dict``s, made by ``fixtures/norse_modules/make_fixtures.py`` in a scratch environment with
norse installed. Checkpoints load with ``strict=True``; spikes are identical, values within 1e-6.
"""

import pathlib

import pytest
import torch
from torch import nn

import snn_deploy as snn

REFERENCE = torch.load(pathlib.Path(__file__).parent / "fixtures" / "norse_modules" / "reference.pt", weights_only=True)


def state_dict(name):
    prefix = f"{name}/state_dict/"
    return {key[len(prefix) :]: value for key, value in REFERENCE.items() if key.startswith(prefix)}


def test_exp_filter_loads_a_norse_checkpoint_and_matches_its_output():
    module = snn.ExpFilter(4, 5, tau_filter_inv=500.0)
    module.load_state_dict(state_dict("ExpFilter"), strict=True)
    torch.testing.assert_close(module(REFERENCE["ExpFilter/input"]), REFERENCE["ExpFilter/output"])
    assert set(module.state_dict()) == set(state_dict("ExpFilter"))


def test_spikes_to_times_decoder_matches_norse_times_indices_and_gradient():
    spikes = REFERENCE["SpikesToTimesDecoder/input"].clone().requires_grad_(True)
    times = snn.SpikesToTimesDecoder(spike_count=torch.as_tensor(2))(spikes)
    (grad,) = torch.autograd.grad(times, spikes, torch.ones_like(times))
    torch.testing.assert_close(times.detach(), REFERENCE["SpikesToTimesDecoder/output"])
    assert torch.equal(grad, REFERENCE["SpikesToTimesDecoder/grad"])
    indices = snn.SpikesToTimesDecoder(3, convert_indices_to_times=False)(REFERENCE["SpikesToTimesDecoder/input"])
    assert torch.equal(indices, REFERENCE["SpikesToTimesDecoder/indices"])


def test_poisson_encoder_steps_draw_norse_spikes_from_the_global_rng():
    x = REFERENCE["PoissonEncoderStep/input"]
    torch.manual_seed(11)
    spikes = torch.stack([snn.PoissonEncoderStep()(x) for _ in range(4)])
    assert torch.equal(spikes, REFERENCE["PoissonEncoderStep/output"]) and spikes.sum() > 5
    signed = REFERENCE["SignedPoissonEncoderStep/input"]
    torch.manual_seed(12)
    spikes = torch.stack([snn.SignedPoissonEncoderStep(f_max=800.0)(signed) for _ in range(4)])
    assert torch.equal(spikes, REFERENCE["SignedPoissonEncoderStep/output"]) and (spikes < 0).any()


def test_recurrent_sequential_loads_a_norse_checkpoint_and_matches_its_run():
    torch.manual_seed(0)
    module = snn.RecurrentSequential(nn.Linear(5, 5), snn.LIFBoxCell())
    module.load_state_dict(state_dict("RecurrentSequential"), strict=True)
    state, outputs = None, []
    for x_t in REFERENCE["RecurrentSequential/input"]:
        out, state = module(x_t, state)
        outputs.append(out)
    expected = REFERENCE["RecurrentSequential/output"]
    assert expected.sum() > 5 and torch.equal(torch.stack(outputs), expected)
    torch.testing.assert_close(state.state[1].v, REFERENCE["RecurrentSequential/v"])


def run_cell(cell, name):
    state, outputs = None, []
    for x_t in REFERENCE[f"{name}/input"]:
        out, state = cell(x_t, state)
        outputs.append(out)
    return torch.stack(outputs), state


@pytest.mark.parametrize(
    "name, make",
    [
        ("LIFBoxCell", lambda: snn.LIFBoxCell(snn.LIFBoxParameters(tau_mem_inv=150.0, v_reset=-0.2))),
        ("LIFBoxCell_subtract", lambda: snn.LIFBoxCell(snn.LIFBoxParameters(reset_method=snn.reset_subtract))),
        ("LIBoxCell", lambda: snn.LIBoxCell(snn.LIBoxParameters(tau_mem_inv=80.0, v_leak=0.1))),
        ("IAFCell", lambda: snn.IAFCell(snn.IAFParameters(v_th=1.5))),
    ],
)
def test_box_and_iaf_cells_load_norse_checkpoints_and_match_norse_runs(name, make):
    cell = make()
    cell.load_state_dict(state_dict(name), strict=True)  # norse keeps no neuron parameters in it
    output, state = run_cell(cell, name)
    expected = REFERENCE[f"{name}/output"]
    if name == "LIBoxCell":
        torch.testing.assert_close(output, expected, rtol=1e-6, atol=1e-6)
    else:
        assert expected.sum() > 5 and torch.equal(output, expected)
    torch.testing.assert_close(state.v, REFERENCE[f"{name}/v"], rtol=1e-6, atol=1e-6)


def test_iaf_layer_matches_norse():
    z, state = snn.IAF(snn.IAFParameters(v_th=1.5))(REFERENCE["IAF/input"])
    assert REFERENCE["IAF/output"].sum() > 5 and torch.equal(z, REFERENCE["IAF/output"])
    torch.testing.assert_close(state.v, REFERENCE["IAF/v"], rtol=1e-6, atol=1e-6)
