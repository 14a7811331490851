"""Known answers, input checks and norse's documented behaviour of ExpFilter, SpikesToTimesDecoder,
the one-step Poisson encoders and RecurrentSequential."""

import math

import pytest
import torch
from known_answers import f64, tensor
from torch import nn

import snn_deploy as snn


def test_exp_filter_smooths_the_linear_output_exponentially():
    module = snn.ExpFilter(2, 2, tau_filter_inv=1e3, input_weights=torch.eye(2), bias=False).double()
    x = tensor([[[1.0, 2.0]], [[0.0, 0.0]], [[1.0, 0.0]]])
    alpha = math.exp(-1.0)  # exp(-dt / tau) with dt = 1 ms, tau = 1 ms
    expected = tensor([[[1.0, 2.0]], [[alpha, 2 * alpha]], [[alpha**2 + 1, 2 * alpha**2]]])
    torch.testing.assert_close(module(x), expected)
    assert module.parameter == pytest.approx(alpha)


def test_exp_filter_adds_the_bias_every_step():
    module = snn.ExpFilter(1, 1, tau_filter_inv=0.0, input_weights=torch.zeros(1, 1))
    with torch.no_grad():
        module.linear.bias.fill_(0.5)
    assert module(torch.zeros(3, 1, 1)).flatten().tolist() == [0.5, 1.0, 1.5]  # alpha = 1


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda m: m(torch.zeros(3, 1, 2)), ValueError, "ExpFilter: expected 4 input features"),
        (lambda m: m(torch.zeros(3, 4, dtype=torch.int64)), TypeError, "ExpFilter: expected a floating-point"),
        (lambda m: m(torch.zeros(0, 2, 4)), ValueError, "ExpFilter: expected a non-empty input"),
        (lambda m: m(torch.zeros(4)), ValueError, "at least 2 dimensions"),
    ],
)
def test_exp_filter_rejects_bad_inputs_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call(snn.ExpFilter(4, 2))


def test_exp_filter_checks_the_weights_shape():
    with pytest.raises(ValueError, match=r"ExpFilter: expected input_weights of shape \(2, 4\)"):
        snn.ExpFilter(4, 2, input_weights=torch.zeros(4, 2))


def test_spikes_to_times_decoder_converts_indices_to_times_with_dt():
    spikes = torch.zeros(5, 1, 2)
    spikes[2, 0, 0] = spikes[4, 0, 0] = spikes[0, 0, 1] = 1.0
    times = snn.SpikesToTimesDecoder(spike_count=2, dt=0.5)(spikes)
    assert times.tolist() == [[[1.0, 0.0]], [[2.0, float("inf")]]]
    with pytest.raises(ValueError, match="SpikesToTimesDecoder: expected spike_count >= 0, got -1"):
        snn.SpikesToTimesDecoder(-1)
    assert snn.SpikesToTimesDecoder(0)(spikes).shape == (0, 1, 2)  # norse 1.1 returns no times
    with pytest.raises(TypeError, match="SpikesToTimesDecoder: expected a floating-point input"):
        snn.SpikesToTimesDecoder()(torch.ones(3, 1, 1, dtype=torch.bool))


def test_poisson_encoder_steps_are_reproducible_with_a_seed_and_certain_at_the_extremes():
    x = torch.rand(4, 100, generator=torch.Generator().manual_seed(3))
    first = snn.PoissonEncoderStep(seed=5)(x)
    assert torch.equal(first, snn.PoissonEncoderStep(generator=torch.Generator().manual_seed(5))(x))
    assert snn.PoissonEncoderStep()(torch.ones(3)).tolist() == [1.0, 1.0, 1.0]  # dt f_max x = 1
    assert snn.PoissonEncoderStep()(torch.zeros(3)).tolist() == [0.0, 0.0, 0.0]
    assert snn.SignedPoissonEncoderStep()(tensor([-1.0, 1.0, 0.0])).tolist() == [-1.0, 1.0, 0.0]
    rate = snn.PoissonEncoderStep(f_max=500.0, seed=1)(torch.ones(20000)).mean().item()
    assert abs(rate - 0.5) < 0.02
    with pytest.raises(ValueError, match="PoissonEncoderStep: pass a generator or a seed, not both"):
        snn.PoissonEncoderStep(seed=1, generator=torch.Generator())


def test_recurrent_sequential_feeds_the_output_back_as_input():
    # a linear layer with identity weights: y_t = x_t + y_{t-1}, so the output sums the inputs
    linear = nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        linear.weight.copy_(torch.eye(2))
    module = snn.RecurrentSequential(linear)
    y, state = module(tensor([[1.0, 2.0]]).float())
    y, state = module(tensor([[1.0, 2.0]]).float(), state)
    assert y.tolist() == [[2.0, 4.0]] and state.cache is y and state.state == [None]


def test_recurrent_sequential_keeps_the_layer_states_and_selects_the_output_module():
    module = snn.RecurrentSequential(snn.LIBoxCell(), nn.Identity(), output_modules=0).double()
    x = torch.full((1, 3), 15.0, dtype=f64)
    v, state = module(x)
    # box LI from v = 0: v = 0.1 * 15 = 1.5, fed back: the next input is 16.5, v = 1.5 + 0.1 (16.5 - 1.5)
    torch.testing.assert_close(v, torch.full((1, 3), 1.5, dtype=f64))
    assert isinstance(state, snn.RecurrentSequentialState) and state.state[1] is None
    v, state = module(x, state)
    torch.testing.assert_close(v, torch.full((1, 3), 3.0, dtype=f64))
    torch.testing.assert_close(state.state[0].v, torch.full((1, 3), 3.0, dtype=f64))
    x = x.float()
    hidden, state = snn.RecurrentSequential(snn.LIFBoxCell(), nn.Identity(), output_modules=[0, 1])(x)
    assert isinstance(hidden, list) and len(hidden) == 2
    with pytest.raises(ValueError, match="cannot be fed back"):
        snn.RecurrentSequential(snn.LIFBoxCell(), nn.Identity(), output_modules=[0, 1])(x, state)


def test_recurrent_sequential_rejects_bad_arguments_and_explains_why_it_does_not_script():
    with pytest.raises(ValueError, match="RecurrentSequential: expected output_modules to index the 1 modules"):
        snn.RecurrentSequential(nn.Identity(), output_modules=3)
    with pytest.raises(TypeError, match="expected a RecurrentSequentialState, got tuple"):
        snn.RecurrentSequential(nn.Identity())(torch.zeros(1), (None, None))
    with pytest.raises(TypeError, match="RecurrentSequential cannot be scripted"):
        torch.jit.script(snn.RecurrentSequential(nn.Identity()))
    assert snn.RecurrentSequentialState() == (None, None)


def test_recurrent_sequential_runs_compiled_like_eager():
    torch.manual_seed(0)
    module = snn.RecurrentSequential(nn.Linear(3, 3), snn.LIFBoxCell()).to(f64)
    compiled = torch.compile(module, fullgraph=True)
    x = torch.rand(2, 3, dtype=f64) * 30
    state_eager = state_compiled = None
    for _ in range(3):
        out_eager, state_eager = module(x, state_eager)
        out_compiled, state_compiled = compiled(x, state_compiled)
        assert torch.equal(out_eager, out_compiled)


def test_recurrent_sequential_checks_its_input_and_cache_clearly():
    module = snn.RecurrentSequential(nn.Linear(3, 3), snn.LIFCell())
    with pytest.raises(
        ValueError,
        match=r"RecurrentSequential: the Linear expects 3 features in the last dimension, got steps of shape \(2, 4\)",
    ):
        module(torch.zeros(2, 4))
    with pytest.raises(TypeError, match="RecurrentSequential: expected an input of the module's dtype torch.float32"):
        module(torch.zeros(2, 3, dtype=f64))
    _, state = module(torch.zeros(2, 3))
    with pytest.raises(
        ValueError, match=r"RecurrentSequential: expected a state cache of the input's shape \(1, 3\), got \(2, 3\)"
    ):
        module(torch.zeros(1, 3), state)
    spikes, _ = module(torch.ones(2, 3, dtype=torch.bool))  # bool spikes run in the module's dtype
    assert spikes.dtype == torch.float32
