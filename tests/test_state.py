"""Flattening nested states to dotted names and back."""

import pytest
import torch

import snn_deploy as snn
from snn_deploy.state import check_state_matches, named_tensors, rebuild


def test_named_tensors_flattens_lists_and_nested_namedtuples_with_dotted_names():
    state = [
        None,
        snn.LIFState(torch.zeros(1), torch.ones(1), torch.zeros(1)),
        snn.LIState(torch.ones(2), torch.zeros(2)),
    ]
    assert [name for name, _ in named_tensors(state)] == ["1.z", "1.v", "1.i", "2.v", "2.i"]


def test_rebuild_restores_the_structure_from_flat_leaves():
    state = [None, snn.LIState(torch.ones(2), torch.zeros(2))]
    leaves = [torch.full((2,), 7.0), torch.full((2,), 8.0)]
    rebuilt = rebuild(state, iter(leaves))
    assert rebuilt[0] is None and isinstance(rebuilt[1], snn.LIState)
    assert rebuilt[1].v.tolist() == [7.0, 7.0] and rebuilt[1].i.tolist() == [8.0, 8.0]


def test_check_state_matches_names_the_field_and_shapes():
    expected = snn.LIState(torch.zeros(2, 3), torch.zeros(2, 3))
    check_state_matches("X", snn.LIState(torch.ones(2, 3), torch.ones(2, 3)), expected)
    check_state_matches("X", snn.LIState(torch.ones(()), torch.ones(3)), expected)  # broadcasts, as norse's v_leak
    with pytest.raises(ValueError, match=r"X: state field 'i' has shape \(4,\), expected \(2, 3\)"):
        check_state_matches("X", snn.LIState(torch.ones(2, 3), torch.ones(4)), expected)
    with pytest.raises(TypeError, match="state field 'v' has dtype torch.int64, expected torch.float32"):
        check_state_matches("X", snn.LIState(torch.ones(2, 3, dtype=torch.long), torch.ones(2, 3)), expected)
