"""Spike thresholds: exact Heaviside forward, analytic surrogate derivatives backward."""

import math

import pytest
import torch

from snn_deploy.functional import THRESHOLD_METHODS, heaviside, sign, threshold, threshold_crossing

ALPHA = 3.0
X = torch.tensor([-2.0, -0.7, -0.1, 0.0, 1e-6, 0.2, 0.9, 1.5], dtype=torch.float64)

ANALYTIC_DERIVATIVES = {
    "heaviside": lambda x, a: torch.zeros_like(x),
    "super": lambda x, a: 1.0 / (x.abs() + 1.0) ** 2,
    "super_alpha": lambda x, a: 1.0 / (a * x.abs() + 1.0) ** 2,
    "triangle": lambda x, a: a * torch.relu(1.0 - x.abs()),
    "tanh": lambda x, a: 1.0 - torch.tanh(a * x) ** 2,
    "circ": lambda x, a: a**3 / (x**2 + a**2) ** 1.5,
    "heavi_erfc": lambda x, a: 2.0 * torch.exp(-((a * x) ** 2)) / math.sqrt(math.pi),
}


def test_every_method_has_an_analytic_derivative_here():
    assert set(ANALYTIC_DERIVATIVES) == set(THRESHOLD_METHODS)


def test_heaviside_is_zero_at_and_below_zero():
    assert heaviside(X).tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    assert heaviside(X.float()).dtype == torch.float32


@pytest.mark.parametrize("method", THRESHOLD_METHODS)
def test_forward_value_is_the_exact_step(method):
    x = X.clone().requires_grad_()
    assert torch.equal(threshold(x, method, ALPHA).detach(), heaviside(X))
    assert torch.equal(threshold(X, method, ALPHA), heaviside(X))


@pytest.mark.parametrize("method", [m for m in THRESHOLD_METHODS if m != "heaviside"])
def test_gradient_is_the_analytic_surrogate_derivative(method):
    x = X.clone().requires_grad_()
    threshold(x, method, ALPHA).sum().backward()
    torch.testing.assert_close(x.grad, ANALYTIC_DERIVATIVES[method](X, ALPHA))


def test_heaviside_method_passes_no_gradient_as_in_norse():
    assert not threshold(X.clone().requires_grad_(), "heaviside", ALPHA).requires_grad


def test_super_ignores_alpha_as_norse_does_and_super_alpha_applies_it():
    x = torch.tensor([0.0, 0.01, -0.01, 1.0], requires_grad=True)
    threshold(x, "super", 100.0).sum().backward()
    assert x.grad.tolist() == pytest.approx([1.0, 1 / 1.01**2, 1 / 1.01**2, 0.25])
    x.grad = None
    threshold(x, "super_alpha", 100.0).sum().backward()
    assert x.grad.tolist() == pytest.approx([1.0, 0.25, 0.25, 1 / 101**2])


def test_sign_gives_plus_minus_one():
    assert sign(torch.tensor([-1.0, 0.0, 2.0]), "super", 100.0).tolist() == [-1.0, -1.0, 1.0]


def test_unknown_method_raises_with_the_known_ones_named():
    x = torch.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="unknown threshold method 'supper'.*heaviside, super"):
        threshold(x, "supper", 1.0)


def test_threshold_crossing_gives_the_spikes_of_the_difference_where_differences_round():
    tiny = torch.finfo(torch.float32).tiny
    one = torch.tensor([1.0])
    neighbours = torch.cat([torch.nextafter(one, one + 1), torch.nextafter(one, one - 1)])
    edges = torch.tensor([-math.inf, math.inf, math.nan, 0.0, tiny, -tiny])
    v = torch.cat([one, neighbours, edges, torch.randn(10_000, generator=torch.Generator().manual_seed(0))])
    for v_th in (torch.tensor(1.0), torch.tensor(tiny / 4), 1.0):
        crossing = threshold_crossing(v, v_th, "super", ALPHA)
        assert torch.equal(crossing, heaviside(v - v_th))
    assert threshold_crossing(v[:3], torch.tensor(1.0), "super", ALPHA).tolist() == [0.0, 1.0, 0.0]


@pytest.mark.parametrize("trainable", ["v", "v_th"])
def test_threshold_crossing_passes_the_surrogate_gradient_to_v_and_the_threshold(trainable):
    v = X.clone().requires_grad_(trainable == "v")
    v_th = torch.tensor(0.3, dtype=torch.float64, requires_grad=trainable == "v_th")
    threshold_crossing(v, v_th, "super", ALPHA).sum().backward()
    expected = ANALYTIC_DERIVATIVES["super"](X - 0.3, ALPHA)
    if trainable == "v":
        torch.testing.assert_close(v.grad, expected)
    else:
        torch.testing.assert_close(v_th.grad, -expected.sum())


def test_threshold_crossing_spikes_take_the_promoted_dtype_of_voltage_and_threshold():
    v = torch.tensor([0.5, 1.5])
    per_neuron = torch.tensor([1.0, 1.0], dtype=torch.float64)
    spikes = threshold_crossing(v, per_neuron, "super", ALPHA)
    assert spikes.dtype == heaviside(v - per_neuron).dtype == torch.float64
    assert spikes.tolist() == [0.0, 1.0]
    assert threshold_crossing(v, 1.0, "super", ALPHA).dtype == torch.float32
