"""Known answers and statistics of the encoders (norse 1.1's docstring examples included)."""

import io
import math

import pytest
import torch

import snn_deploy as snn
from snn_deploy.functional.encode import (
    constant_current_lif_encode,
    euclidean_distance,
    gaussian_rbf,
    poisson_encode,
    poisson_encode_step,
    population_encode,
    population_grid,
    signed_poisson_encode,
    signed_poisson_encode_step,
    spike_latency_encode,
    spike_latency_lif_encode,
)

f64 = torch.float64


def tensor(values, dtype=f64):
    return torch.tensor(values, dtype=dtype)


def reference_current_lif(x, seq_length, p=snn.LIFParameters(), dt=0.001):
    """norse 1.1's lif_current_encoder loop, written out: spikes and voltages."""
    v, spikes, voltages = torch.zeros_like(x), [], []
    for _ in range(seq_length):
        v = v + dt * p.tau_mem_inv * ((p.v_leak - v) + x)
        z = (v > p.v_th).to(x.dtype)
        v = v - z * (v - p.v_reset)
        spikes.append(z)
        voltages.append(v)
    return torch.stack(spikes), torch.stack(voltages)


# --- constant-current LIF and spike latency ----------------------------------------------------


def test_constant_current_lif_encoder_reproduces_the_norse_docstring_example():
    data = torch.as_tensor([2, 4, 8, 16])  # integers, as in the docstring
    expected = tensor([[0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0]], torch.float32)
    assert torch.equal(snn.ConstantCurrentLIFEncoder(2)(data), expected)
    assert torch.equal(constant_current_lif_encode(data, 2), expected)
    # norse's docstring also prints voltages, which its code never returns (only the spikes,
    # as here); they are those of the dynamics: v = 0.1 x, then v + 0.1 (x - v), reset on a spike
    spikes, voltages = reference_current_lif(data.double(), 2)
    assert torch.equal(spikes.float(), expected)
    torch.testing.assert_close(voltages, tensor([[0.2, 0.4, 0.8, 0.0], [0.38, 0.76, 0.0, 0.0]]))


def test_constant_current_lif_encoder_with_non_default_parameters():
    p = snn.LIFParameters(tau_mem_inv=50.0, v_leak=0.5, v_th=0.8, v_reset=-0.2)
    encoder = snn.ConstantCurrentLIFEncoder(4, p, dt=0.002).double()
    # v <- v + 0.1 (0.5 - v + x) from v = 0: x = 2: 0.25, 0.475, 0.6775, 0.85975 (fires);
    # x = 10: 1.05 fires, then -0.2 + 1.07 = 0.87 fires every step; x = -5 never fires
    z = encoder(tensor([2.0, 10.0, -5.0]))
    assert z.tolist() == [[0, 1, 0], [0, 1, 0], [0, 1, 0], [1, 1, 0]]
    assert z.dtype == f64 and z.shape == (4, 3)


def test_constant_current_lif_encoder_matches_the_reference_loop_over_a_long_run():
    p = snn.LIFParameters(tau_mem_inv=80.0, v_leak=0.1, v_th=0.9, v_reset=0.05)
    x = 30.0 * torch.rand(3, 4, generator=torch.Generator().manual_seed(1), dtype=f64)
    spikes = snn.ConstantCurrentLIFEncoder(60, p, dt=0.0005).double()(x)
    expected, _ = reference_current_lif(x, 60, p, dt=0.0005)
    assert spikes.shape == (60, 3, 4)
    assert spikes.sum() > 0 and torch.equal(spikes, expected)


def test_spike_latency_encoder_reproduces_the_norse_docstring_example():
    data = torch.as_tensor([[0, 1, 1], [1, 1, 1]])
    output = snn.SpikeLatencyEncoder()(data)
    assert output.dtype == torch.int64  # norse keeps the dtype
    assert output.tolist() == [[0, 1, 1], [1, 0, 0]]
    assert spike_latency_encode(data.float()).tolist() == [[0, 1, 1], [1, 0, 0]]


def test_spike_latency_encoder_keeps_the_first_spike_and_its_gradient():
    x = tensor([[0, 0, 1], [1, 0, 1], [1, 1, 0], [0, 1, 1]]).requires_grad_()
    y = snn.SpikeLatencyEncoder()(x)
    assert y.tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 0]]
    y.sum().backward()
    assert x.grad.tolist() == [[1, 1, 1], [1, 1, 0], [0, 1, 0], [0, 0, 0]]


def test_spike_latency_lif_encoder_is_the_first_spike_of_the_constant_current_encoder():
    data = tensor([2.0, 4.0, 8.0, 16.0])
    # constant current: 2 never fires, 4 at t=2, 8 at t=1 and 3, 16 every step
    assert snn.ConstantCurrentLIFEncoder(4).double()(data).tolist() == [
        [0, 0, 0, 1],
        [0, 0, 1, 1],
        [0, 1, 0, 1],
        [0, 0, 1, 1],
    ]
    expected = [[0, 0, 0, 1], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]]
    assert snn.SpikeLatencyLIFEncoder(4).double()(data).tolist() == expected
    assert spike_latency_lif_encode(data, 4).tolist() == expected
    p = snn.LIFParameters(tau_mem_inv=50.0, v_leak=0.5, v_th=0.8, v_reset=-0.2)
    z = snn.SpikeLatencyLIFEncoder(4, p, dt=0.002).double()(tensor([2.0, 10.0, -5.0]))
    assert z.tolist() == [[0, 1, 0], [0, 0, 0], [0, 0, 0], [1, 0, 0]]


def test_lif_encoders_pass_surrogate_gradients_to_the_input():
    x = tensor([5.0, 12.0, 30.0]).requires_grad_()
    snn.ConstantCurrentLIFEncoder(5).double()(x).sum().backward()
    assert (x.grad > 0).all()


# --- population codes ---------------------------------------------------------------------------


def test_population_encoder_reproduces_the_norse_docstring_example():
    data = torch.as_tensor([0, 0.5, 1])
    expected = torch.tensor([[1.0000, 0.8825, 0.6065], [0.8825, 1.0000, 0.8825], [0.6065, 0.8825, 1.0000]])
    torch.testing.assert_close(snn.PopulationEncoder(3)(data), expected, atol=5e-5, rtol=0)
    torch.testing.assert_close(population_encode(data, 3), expected, atol=5e-5, rtol=0)
    # scale = max = 1, centres 0, 0.5, 1: exp(-(x - c)^2 / 2)
    assert snn.PopulationEncoder(3)(data.double())[0].tolist() == [1.0, math.exp(-0.125), math.exp(-0.5)]


@pytest.mark.parametrize("scale", [1.0, 0.7, 3.3, 250.0])
@pytest.mark.parametrize("steps", [1, 2, 3, 5, 8])
def test_population_centres_are_torch_linspace(scale, steps):
    _, centres, _ = population_grid(torch.zeros(2), steps, torch.tensor(scale))
    assert torch.equal(centres[0], torch.linspace(0, scale, steps))


def test_population_encoder_with_a_fixed_scale_and_custom_kernel():
    x = tensor([0.0, 1.0, 4.0])
    encoder = snn.PopulationEncoder(3, scale=2, kernel=lambda d: gaussian_rbf(d, sigma=2.0)).double()
    # centres 0, 1, 2; distances (x - c)^2 * 2; kernel exp(-d / 8)
    expected = torch.exp(-((x[:, None] - tensor([0.0, 1.0, 2.0])) ** 2) * 2.0 / 8.0)
    torch.testing.assert_close(encoder(x), expected)
    assert encoder.scale.dtype == f64  # a buffer, following .to()


def test_population_encoder_takes_a_scale_per_sample():
    x = tensor([[0.0, 1.0, 2.0], [0.0, 3.0, 6.0]])
    scale = tensor([[2.0], [6.0]])
    y = snn.PopulationEncoder(4, scale=scale).double()(x)
    assert y.shape == (2, 3, 4)
    for row in range(2):
        torch.testing.assert_close(y[row], population_encode(x[row], 4, scale[row, 0]))
    torch.testing.assert_close(population_encode(x, 4, scale), y)


def test_population_encoder_with_one_feature_has_its_centre_at_zero():
    y = snn.PopulationEncoder(1).double()(tensor([0.0, 1.0, 2.0]))
    # scale 2, centre 0: exp(-x^2 * 2 / 2)
    torch.testing.assert_close(y, torch.exp(-tensor([[0.0], [1.0], [4.0]])))
    assert euclidean_distance(tensor([3.0]), tensor([1.0])).tolist() == [4.0]


# --- Poisson -------------------------------------------------------------------------------------


def test_poisson_encoder_samples_norse_formula_with_its_generator():
    x = torch.rand(4, 6, generator=torch.Generator().manual_seed(3))
    spikes = snn.PoissonEncoder(10, f_max=300.0, seed=7)(x)
    uniform = torch.rand(10, 4, 6, generator=torch.Generator().manual_seed(7))
    assert torch.equal(spikes, (uniform < 0.001 * 300.0 * x).float())
    assert torch.equal(poisson_encode(x, 10, 300.0, generator=torch.Generator().manual_seed(7)), spikes)


def test_poisson_firing_rates_are_within_four_sigma_of_f_max_dt_x():
    steps, x = 20000, tensor([0.0, 0.1, 0.5, 1.0, 3.0], torch.float32)
    counts = snn.PoissonEncoder(steps, f_max=500.0, seed=11)(x).sum(0)
    p = (0.5 * x).clamp(max=1.0)
    sigma = torch.sqrt(steps * p * (1 - p))
    assert counts[0] == 0 and counts[-1] == steps  # probability 0 and >= 1
    assert ((counts - steps * p).abs() <= 4 * sigma).all(), (counts, steps * p, sigma)


def test_same_seed_gives_identical_trains_and_other_seeds_differ():
    x = torch.full((8, 8), 0.5)
    first = snn.PoissonEncoder(50, seed=1)(x)
    assert torch.equal(first, snn.PoissonEncoder(50, seed=1)(x))
    assert torch.equal(first, snn.PoissonEncoder(50, generator=torch.Generator().manual_seed(1))(x))
    assert not torch.equal(first, snn.PoissonEncoder(50, seed=2)(x))
    encoder = snn.PoissonEncoder(50, seed=1)
    assert not torch.equal(encoder(x), encoder(x))  # the generator moves on between calls
    torch.manual_seed(5)
    unseeded = snn.PoissonEncoder(50)(x)
    torch.manual_seed(5)
    assert torch.equal(unseeded, snn.PoissonEncoder(50)(x))  # without a generator: the global RNG


def test_poisson_spikes_are_the_same_in_every_dtype_and_have_no_gradient():
    x = torch.rand(3, 5, generator=torch.Generator().manual_seed(0)).requires_grad_()
    spikes = snn.PoissonEncoder(20, f_max=500.0, seed=3)(x)
    spikes64 = snn.PoissonEncoder(20, f_max=500.0, seed=3)(x.double())
    assert spikes64.dtype == f64 and torch.equal(spikes64.float(), spikes)
    assert not spikes.requires_grad


def test_scripted_and_compiled_encoders_draw_from_the_global_rng_like_a_seeded_generator():
    x = torch.rand(3, 5, generator=torch.Generator().manual_seed(0))
    for make in (snn.PoissonEncoder, snn.SignedPoissonEncoder):
        eager = make(12, f_max=400.0, seed=9)(x - 0.3)
        buffer = io.BytesIO()
        torch.jit.save(torch.jit.script(make(12, f_max=400.0, seed=9)), buffer)
        buffer.seek(0)
        loaded = torch.jit.load(buffer)
        torch.manual_seed(9)
        assert torch.equal(loaded(x - 0.3), eager)
        with torch._inductor.config.patch(fallback_random=True):
            compiled = torch.compile(make(12, f_max=400.0, seed=9), fullgraph=True)
            torch.manual_seed(9)
            assert torch.equal(compiled(x - 0.3), eager)


def test_compiled_poisson_with_inductor_rng_and_dynamic_shapes_keeps_the_rates():
    steps, x = 4000, tensor([0.0, 0.2, 1.0], torch.float32)
    torch.manual_seed(0)
    counts = torch.compile(snn.PoissonEncoder(steps, f_max=500.0), fullgraph=True, dynamic=True)(x).sum(0)
    p = 0.5 * x
    assert ((counts - steps * p).abs() <= 4 * torch.sqrt(steps * p * (1 - p))).all(), counts


def test_functional_poisson_ignores_a_generator_under_compile_instead_of_breaking_the_graph():
    def encode(x, generator):
        return poisson_encode(x, 5, 500.0, generator=generator)

    x = torch.rand(4)
    explanation = torch._dynamo.explain(encode)(x, torch.Generator().manual_seed(0))
    assert explanation.graph_break_count == 0
    assert torch.compile(encode, fullgraph=True)(x, torch.Generator()).shape == (5, 4)


def test_step_encoders_draw_one_time_step():
    x = tensor([0.0, 0.4, -0.4], torch.float32)
    z = poisson_encode_step(x.abs(), generator=torch.Generator().manual_seed(4))
    uniform = torch.rand(3, generator=torch.Generator().manual_seed(4))
    assert torch.equal(z, (uniform < 1.0 * x.abs()).float())  # f_max = 1000 Hz by default
    signed = signed_poisson_encode_step(x, generator=torch.Generator().manual_seed(4))
    assert torch.equal(signed, torch.sign(x) * z)


def test_signed_poisson_spikes_carry_the_sign_of_the_input_at_the_rate_of_its_magnitude():
    steps, x = 20000, tensor([-1.0, -0.2, 0.0, 0.3, 0.8], torch.float32)
    spikes = snn.SignedPoissonEncoder(steps, f_max=500.0, seed=2)(x)
    assert set(spikes.unique().tolist()) <= {-1.0, 0.0, 1.0}
    assert ((spikes * torch.sign(x)) >= 0).all() and (spikes[:, 2] == 0).all()
    counts, p = spikes.abs().sum(0), 0.5 * x.abs()
    assert ((counts - steps * p).abs() <= 4 * torch.sqrt(steps * p * (1 - p))).all(), counts
    uniform = torch.rand(steps, 5, generator=torch.Generator().manual_seed(2))
    assert torch.equal(spikes, torch.sign(x) * (uniform < 0.5 * x.abs()).float())
    assert torch.equal(signed_poisson_encode(x, steps, 500.0, generator=torch.Generator().manual_seed(2)), spikes)


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "factory, message",
    [
        (
            lambda: snn.ConstantCurrentLIFEncoder(0),
            "ConstantCurrentLIFEncoder: expected seq_length to be a positive int, got 0",
        ),
        (
            lambda: snn.SpikeLatencyLIFEncoder(2.5),
            "SpikeLatencyLIFEncoder: expected seq_length to be a positive int, got 2.5",
        ),
        (lambda: snn.PoissonEncoder(-1), "PoissonEncoder: expected seq_length to be a positive int, got -1"),
        (lambda: snn.PopulationEncoder(0), "PopulationEncoder: expected out_features to be a positive int, got 0"),
        (
            lambda: snn.SignedPoissonEncoder(3, seed=1, generator=torch.Generator()),
            "SignedPoissonEncoder: pass a generator or a seed, not both",
        ),
        (lambda: snn.ConstantCurrentLIFEncoder(3, snn.LIFParameters(method="nope")), "unknown threshold method 'nope'"),
    ],
)
def test_bad_construction_is_a_value_error(factory, message):
    with pytest.raises(ValueError, match=message):
        factory()


def test_bad_input_is_a_clear_error():
    with pytest.raises(TypeError, match="PoissonEncoder: expected a tensor input, got list"):
        snn.PoissonEncoder(3)([0.5])
    with pytest.raises(TypeError, match="PopulationEncoder: expected a tensor input, got float"):
        snn.PopulationEncoder(3)(0.5)
    with pytest.raises(
        ValueError, match=r"SpikeLatencyEncoder: expected an input of at least 1 dimensions \(time, \.\.\.\), got 0-D"
    ):
        snn.SpikeLatencyEncoder()(torch.tensor(1.0))
