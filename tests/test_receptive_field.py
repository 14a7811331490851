"""Known answers, gradients and norse's documented examples of the receptive-field modules."""

import math

import pytest
import torch
from known_answers import f64, tensor

import snn_deploy as snn
import snn_deploy.functional as F


def test_isotropic_field_is_a_normalised_gaussian():
    field = F.spatial_receptive_field(tensor(2.0), tensor(0.0), tensor(1.0), 5, domain=2)
    # ratio 1: covariance 2 I on the grid [-2, -1, 0, 1, 2]^2: k ~ exp(-(x^2 + y^2) / 4), summing to 1
    axis = tensor([-2.0, -1.0, 0.0, 1.0, 2.0])
    expected = torch.exp(-(axis[:, None] ** 2 + axis[None, :] ** 2) / 4)
    torch.testing.assert_close(field, expected / expected.sum())
    assert field.sum().item() == pytest.approx(1.0)


def test_first_derivative_at_angle_zero_is_the_scaled_central_difference_along_dim_0():
    base = F.spatial_receptive_field(tensor(1.5), tensor(0.0), tensor(0.5), 7, domain=3)
    derived = F.spatial_receptive_field(tensor(1.5), tensor(0.0), tensor(0.5), 7, dx=1, domain=3)
    expected = torch.gradient(base, dim=0)[0] * 1.5
    torch.testing.assert_close(derived, expected)
    assert derived.sum().abs() < 1e-12  # odd in x


def test_spatial_parameters_orders_symmetric_ratios_last_like_norse():
    rows = F.spatial_parameters(tensor([1.0]), tensor([0.0, 1.0]), tensor([1.0, 0.5]), 0)
    assert rows[:, :3].tolist() == [[1.0, 0.0, 0.5], [1.0, 1.0, 0.5], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0]]
    rows = F.spatial_parameters(tensor([1.0]), tensor([0.0]), tensor([0.5]), 1)
    assert rows[:, 3:].tolist() == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    # norse 1.1's values: with max_scale, c = (min/max)^(1/(2(n-1))) and sqrt(c^(2(k-n)) max)
    assert F.temporal_scale_distribution(3, min_scale=1.0, max_scale=4.0).tolist() == pytest.approx(
        [4.0, 2.8284, 2.0], 1e-4
    )


def test_norse_spatial_docstring_example():
    parameters = torch.tensor([[1.0, 1.0, 1.0, 0.0, 0.0]])
    m = snn.SpatialReceptiveField2d(1, 9, parameters)
    assert m.weights.shape == torch.Size([1, 1, 9, 9])
    y = m(torch.empty(1, 1, 9, 9))
    assert y.shape == torch.Size([1, 1, 1, 1])


def test_norse_sampled_docstring_example_trains_the_ratios():
    scales = torch.tensor([1.0, 2.0])
    angles = torch.tensor([0.0, 1.0])
    ratios = torch.tensor([0.5, 1.0])
    derivatives = torch.tensor([[0, 0]])  # norse 1.1 rejects a tensor here; its docstring passes one
    m = snn.SampledSpatialReceptiveField2d(
        1, 9, scales, angles, ratios, derivatives, optimize_scales=False, optimize_angles=False, optimize_ratios=True
    )
    optim = torch.optim.SGD(list(m.parameters()), lr=1)
    image = torch.linspace(0, 1, 81).reshape(1, 1, 9, 9) ** 2  # a normalised field sums a constant image to 1
    y = m(image)
    y.sum().backward()
    ratios_before = ratios.clone()
    optim.step()  # will update the ratios
    assert not torch.equal(m.ratios.detach(), ratios_before)
    assert torch.equal(ratios, m.ratios.detach())  # as in norse, the parameter shares the caller's tensor
    assert torch.equal(m.scales, scales) and torch.equal(m.angles, angles)


def test_norse_parameterized_docstring_example_has_one_parameter_per_field():
    scales = torch.tensor([1.0, 2.0])
    angles = torch.tensor([0.0, 1.0])
    ratios = torch.tensor([0.5, 1.0])
    m = snn.ParameterizedSpatialReceptiveField2d(
        1, 9, scales, angles, ratios, 1, optimize_scales=False, optimize_angles=False, optimize_ratios=True
    )
    assert m.ratios.shape == (32,) and isinstance(m.ratios, torch.nn.Parameter)
    assert not isinstance(m.scales, torch.nn.Parameter)
    assert m(torch.ones(1, 1, 9, 9)).shape == (1, 32, 1, 1)


def test_unaggregated_fields_see_one_channel_each():
    rows = torch.tensor([[1.0, 0.0, 1.0, 0.0, 0.0], [2.0, 0.0, 1.0, 0.0, 0.0]], dtype=f64)
    m = snn.SpatialReceptiveField2d(2, 3, rows, aggregate=False, domain=1).double()
    x = torch.zeros(1, 2, 3, 3, dtype=f64)
    x[0, 1] = 1.0  # only the second channel
    y = m(x).flatten()
    assert y.shape == (4,) and y[:2].tolist() == [0.0, 0.0]  # channels 0, 1: the fields on input 0
    torch.testing.assert_close(y[2:], tensor([1.0, 1.0]))  # each normalised field sums the ones to 1


def test_receptive_fields_follow_dtype_and_reject_bad_inputs():
    m = snn.SpatialReceptiveField2d(2, 3, torch.tensor([[1.0, 0.0, 1.0, 0.0, 0.0]])).double()
    assert m.weights.dtype == torch.float64
    with pytest.raises(ValueError, match=r"SpatialReceptiveField2d: expected an input \(\.\.\., 2, height, width\)"):
        m(torch.zeros(1, 3, 5, 5, dtype=f64))
    with pytest.raises(TypeError, match="SpatialReceptiveField2d: unknown conv2d options"):
        snn.SpatialReceptiveField2d(2, 3, torch.zeros(1, 5), kernel=3)
    with pytest.raises(ValueError, match="derivatives: expected an int"):
        snn.SampledSpatialReceptiveField2d(1, 3, tensor([1.0]), tensor([0.0]), tensor([1.0]), "x")


def test_temporal_receptive_field_integrates_each_scale_with_its_time_constant():
    m = snn.TemporalReceptiveField((1, 1, 1), n_scales=2, time_constants=tensor([[[[500.0]]], [[[250.0]]]]))
    m = m.double()
    v, state = m(torch.ones(1, 1, 1, 1, dtype=f64))
    # box LI from v = 0: v = dt tau_inv x = [0.5, 0.25]
    assert v.shape == (1, 2, 1, 1, 1)
    torch.testing.assert_close(v.flatten(), tensor([0.5, 0.25]))
    v, state = m(torch.ones(1, 1, 1, 1, dtype=f64), state)
    torch.testing.assert_close(v.flatten(), tensor([0.75, 0.4375]))
    taus = snn.TemporalReceptiveField((1, 2, 2), n_scales=3).ps.flatten()
    torch.testing.assert_close(taus, torch.tensor([1000.0, 1000 / math.sqrt(2), 500.0]), rtol=1e-4, atol=0)


def test_spatial_fields_fold_leading_dimensions_into_the_batch():
    m = snn.SpatialReceptiveField2d(2, 3, torch.tensor([[1.0, 0.0, 1.0, 1.0, 0.0]]))
    x = torch.rand(4, 3, 2, 6, 6)
    torch.testing.assert_close(m(x), m(x.reshape(12, 2, 6, 6)).reshape(4, 3, 1, 4, 4))
    assert m(x[0, 0]).shape == (1, 4, 4)  # unbatched, as conv2d


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float64])
def test_temporal_receptive_field_refuses_an_input_of_another_dtype_than_its_parameters(dtype):
    m = snn.TemporalReceptiveField((1, 2, 2), n_scales=2)
    with pytest.raises(TypeError, match=f"expected an input of the weights' dtype torch.float32, got {dtype}"):
        m(torch.ones(3, 1, 2, 2, dtype=dtype))
    converted = m.to(dtype)
    assert converted(torch.ones(3, 1, 2, 2, dtype=dtype))[0].dtype == dtype
