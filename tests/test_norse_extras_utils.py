"""norse 1.1's utilities (issue 21 items 3 and 4): snn_deploy.utils.pytree state tuples and the
receptive fields' update protocol (has_updated, _update_weights(), submodule)."""

import pytest
import torch
from torch.utils._pytree import tree_flatten, tree_unflatten

import snn_deploy as snn
from snn_deploy.utils import pytree


class MockState(pytree.StateTuple, metaclass=pytree.MultipleInheritanceNamedTupleMeta):
    x: torch.Tensor
    y: torch.Tensor = torch.ones(2)
    z: float = 1.28


def test_state_tuples_are_registered_named_tuples_with_defaults():
    s = MockState(x=torch.zeros(2))
    assert isinstance(s, tuple) and isinstance(s, pytree.StateTuple) and s._fields == ("x", "y", "z")
    assert s.z == 1.28 and torch.equal(s.y, torch.ones(2))
    leaves, spec = tree_flatten(s)
    assert len(leaves) == 3 and leaves[2] == 1.28
    rebuilt = tree_unflatten([leaf * 2 for leaf in leaves], spec)
    assert type(rebuilt) is MockState and rebuilt.z == 2.56 and rebuilt.y.tolist() == [2.0, 2.0]


def test_state_tuple_conversions_map_over_tensor_fields():
    s = MockState(torch.zeros(2, dtype=torch.int32), torch.zeros(2, dtype=torch.int32))
    assert s.float().x.dtype == torch.float32 and s.float().y.dtype == torch.float32 and s.float().z == 1.28
    assert MockState(torch.randn(2)).int().x.dtype == torch.int32
    grad = MockState(torch.zeros(2, requires_grad=True)).to(torch.float64)
    assert grad.x.dtype == torch.float64 and grad.x.requires_grad and grad.cpu().x.device.type == "cpu"


def test_broadcast_fills_scalars_and_refuses_other_shapes():
    s = MockState(torch.tensor(3.0), torch.ones(4, 2)).broadcast(torch.zeros(4, 2))
    assert s.x.tolist() == [[3.0, 3.0]] * 4 and s.y.shape == (4, 2)
    with pytest.raises(ValueError, match=r"non-scalar \(shape torch.Size\(\[2\]\)\)"):
        MockState(torch.randn(2)).broadcast(torch.zeros(10, 2))
    assert pytree.broadcast_input(2, torch.zeros(3)).tolist() == [2.0, 2.0, 2.0]


def test_tree_map_only_touches_only_the_given_type():
    mapped = pytree.tree_map_only(torch.Tensor, lambda t: t + 1, {"a": torch.zeros(1), "b": 5})
    assert mapped["a"].tolist() == [1.0] and mapped["b"] == 5


def test_spatial_receptive_field_update_flag_follows_backward_and_update():
    parameters = torch.tensor([[1, 0, 1, 0, 0.0]])
    m = snn.SpatialReceptiveField2d(1, 9, rf_parameters=parameters)
    old = m.weights.detach().clone()
    assert not m.has_updated
    optimizer = torch.optim.SGD(list(m.parameters()), lr=1)
    m(torch.eye(9).view(1, 1, 9, 9)).sum().backward()
    assert m.has_updated
    optimizer.step()
    m._update_weights()
    assert not m.has_updated
    assert torch.equal(m.rf_parameters, parameters)  # the parameter shares the caller's tensor, as in norse
    assert not torch.equal(old, m.weights) and m.weights.grad_fn is not None


@pytest.mark.parametrize("kind", [snn.SampledSpatialReceptiveField2d, snn.ParameterizedSpatialReceptiveField2d])
def test_sampled_and_parameterized_fields_expose_norses_submodule(kind):
    m = kind(1, 9, torch.tensor([1.0, 2.0]), torch.tensor([0.0, 1.0]), torch.tensor([0.5, 2.0]), 1, False, False, True)
    old = m.submodule.weights.detach().clone()
    assert m.submodule.weights.shape == (m.out_channels, 1, 9, 9) and m.submodule.rf_parameters.shape[1] == 5
    optimizer = torch.optim.SGD(list(m.parameters()), lr=1)
    m(torch.ones(1, 1, 9, 9)).sum().backward()
    assert m.has_updated and m.submodule.weights.grad_fn is not None and m.scales.grad is None
    optimizer.step()
    m._update_weights()
    assert not m.has_updated and not torch.equal(old, m.submodule.weights)
    x = torch.rand(1, 1, 9, 9)
    assert torch.equal(m.submodule(x), m(x))
    assert "submodule" not in dict(m.named_modules()) and set(m.state_dict()) == set(
        kind(
            1, 9, torch.tensor([1.0, 2.0]), torch.tensor([0.0, 1.0]), torch.tensor([0.5, 2.0]), 1, False, False, True
        ).state_dict()
    )


def test_receptive_fields_with_the_protocol_still_compile_and_script():
    m = snn.SampledSpatialReceptiveField2d(1, 9, torch.tensor([1.0]), torch.tensor([0.0]), torch.tensor([2.0]), 0)
    x = torch.rand(2, 1, 9, 9)
    torch.testing.assert_close(torch.compile(m, fullgraph=True, backend="aot_eager")(x), m(x))
    torch.testing.assert_close(torch.jit.script(m)(x), m(x))


def test_spikes_to_times_decoder_takes_zero_spike_count_and_silent_sequences():
    assert snn.SpikesToTimesDecoder(0)(torch.ones(5, 1, 2)).shape == (0, 1, 2)
    times = snn.SpikesToTimesDecoder(2)(torch.zeros(5, 1, 2))
    assert times.shape == (2, 1, 2) and torch.isinf(times).all()
