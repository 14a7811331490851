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


@pytest.mark.parametrize(
    "name, make",
    [
        ("LIFRefracRecurrent", lambda: snn.LIFRefracRecurrent(3, 4)),
        (
            "LIFAdExRefracRecurrent",
            lambda: snn.LIFAdExRefracRecurrent(3, 4, snn.LIFAdExRefracParameters(rho_reset=3.0)),
        ),
    ],
)
def test_refractory_recurrent_layers_load_norse_checkpoints_and_match_norse(name, make):
    layer = make()
    layer.load_state_dict(state_dict(name), strict=True)
    z, state = layer(REFERENCE[f"{name}/input"])
    assert REFERENCE[f"{name}/output"].sum() > 5 and torch.equal(z, REFERENCE[f"{name}/output"])
    for field, value in (("v", state[0].v), ("i", state[0].i), ("rho", state.rho)):
        torch.testing.assert_close(value, REFERENCE[f"{name}/{field}"], rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize(
    "name, make",
    [
        ("LIFAdExRefracRecurrentCell", lambda: snn.LIFAdExRefracRecurrentCell(3, 4)),
        ("LIFAdExRefracCell", lambda: snn.LIFAdExRefracCell(snn.LIFAdExRefracParameters(rho_reset=3.0))),
    ],
)
def test_refractory_adex_cells_load_norse_checkpoints_and_match_norse(name, make):
    cell = make()
    cell.load_state_dict(state_dict(name), strict=True)
    z, state = run_cell(cell, name)
    assert REFERENCE[f"{name}/output"].sum() > 5 and torch.equal(z, REFERENCE[f"{name}/output"])
    torch.testing.assert_close(state.rho, REFERENCE[f"{name}/rho"])


def test_spatial_receptive_field_loads_a_norse_checkpoint_and_matches_weights_and_output():
    module = snn.SpatialReceptiveField2d(2, 7, torch.zeros(3, 5), padding=1)
    with pytest.raises(RuntimeError):  # the derivative orders are fixed at construction: build with the rows
        module.load_state_dict({"other": torch.zeros(1)}, strict=True)
    module = snn.SpatialReceptiveField2d(2, 7, REFERENCE["SpatialReceptiveField2d/rows"], padding=1)
    module.load_state_dict(state_dict("SpatialReceptiveField2d"), strict=True)
    torch.testing.assert_close(module.weights, REFERENCE["SpatialReceptiveField2d/weights"], rtol=1e-5, atol=1e-6)
    output = module(REFERENCE["SpatialReceptiveField2d/input"])
    torch.testing.assert_close(output, REFERENCE["SpatialReceptiveField2d/output"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["SampledSpatialReceptiveField2d", "ParameterizedSpatialReceptiveField2d"])
def test_sampled_and_parameterized_fields_match_norse(name):
    scales, angles, ratios = torch.tensor([1.0, 2.0]), torch.tensor([0.0, 1.0]), torch.tensor([0.5, 1.0])
    module = getattr(snn, name)(2, 7, scales, angles, ratios, 1, optimize_scales=False, optimize_angles=True)
    module.load_state_dict(state_dict(name), strict=True)
    assert set(module.state_dict()) == {"angles", "ratios"}
    torch.testing.assert_close(module.weights, REFERENCE[f"{name}/weights"], rtol=1e-5, atol=1e-6)
    output = module(REFERENCE["SpatialReceptiveField2d/input"])
    torch.testing.assert_close(output, REFERENCE[f"{name}/output"], rtol=1e-5, atol=1e-6)


def test_temporal_receptive_field_loads_a_norse_checkpoint_and_matches_its_run():
    module = snn.TemporalReceptiveField((2, 3, 3), n_scales=3)
    module.load_state_dict(state_dict("TemporalReceptiveField"), strict=True)
    assert set(module.state_dict()) == {"ps"}
    output, _ = run_cell(module, "TemporalReceptiveField")
    torch.testing.assert_close(output, REFERENCE["TemporalReceptiveField/output"], rtol=1e-6, atol=1e-6)


def gradient_of_run(module, x, steps):
    """The input gradient of the summed outputs (and first state field, when a tensor) of ``steps`` steps,
    as the fixture script computes it with norse."""
    x = x.clone().requires_grad_(True)
    state, total = None, 0.0
    for t in range(steps):
        out, state = module(x[t], state)
        total = total + out.sum() + state[0].sum() if isinstance(state[0], torch.Tensor) else total + out.sum()
    (grad,) = torch.autograd.grad(total, x)
    return grad


@pytest.mark.parametrize(
    "name, make",
    [
        ("LIFBoxCell", snn.LIFBoxCell),
        ("IAFCell", snn.IAFCell),
        ("LIBoxCell", snn.LIBoxCell),
        ("LIFAdExRefracCell", snn.LIFAdExRefracCell),
        ("LIFAdExRefracRecurrentCell", lambda: snn.LIFAdExRefracRecurrentCell(3, 4)),
    ],
)
def test_default_surrogate_gradients_equal_norse(name, make):
    module = make()
    module.load_state_dict(state_dict(f"gradient/{name}"), strict=True)
    grad = gradient_of_run(module, REFERENCE[f"gradient/{name}/input"], 6)
    expected = REFERENCE[f"gradient/{name}/grad"]
    assert expected.abs().sum() > 0
    torch.testing.assert_close(grad, expected, rtol=1e-6, atol=1e-6)


def test_refractory_recurrent_layer_and_receptive_field_gradients_equal_norse():
    layer = snn.LIFRefracRecurrent(3, 4)
    layer.load_state_dict(state_dict("gradient/LIFRefracRecurrent"), strict=True)
    x = REFERENCE["gradient/LIFRefracRecurrent/input"].clone().requires_grad_(True)
    z, state = layer(x)
    (grad,) = torch.autograd.grad(z.sum() + state.lif.v.sum(), x)
    torch.testing.assert_close(grad, REFERENCE["gradient/LIFRefracRecurrent/grad"], rtol=1e-6, atol=1e-6)
    rows = torch.tensor([[1.0, 0.5, 1.0, 0.0, 0.0], [2.0, 0.3, 0.5, 1.0, 0.0]])
    spatial = snn.SpatialReceptiveField2d(1, 5, rows)
    (grad,) = torch.autograd.grad(
        (spatial(REFERENCE["gradient/SpatialReceptiveField2d/input"]) ** 2).sum(), spatial.rf_parameters
    )
    torch.testing.assert_close(grad, REFERENCE["gradient/SpatialReceptiveField2d/grad"], rtol=1e-4, atol=1e-5)
