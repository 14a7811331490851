"""Bad input gets a clear error naming the class, what was expected and what came."""

import pytest
import torch

import snn_deploy as snn


@pytest.mark.parametrize(
    "module, x, message",
    [
        (
            snn.LIF(),
            torch.zeros(4),
            r"LIF: expected an input of at least 2 dimensions \(time, batch, \.\.\.\), got 1-D",
        ),
        (
            snn.LIFRecurrentCell(3, 4),
            torch.zeros(()),
            r"LIFRecurrentCell: expected an input of at least 1 dimensions \(\.\.\., input_size\), got 0-D",
        ),
        (
            snn.LIFRecurrent(3, 4),
            torch.zeros(3),
            r"LIFRecurrent: expected an input of at least 2 dimensions \(time, \.\.\., input_size\), got 1-D",
        ),
        (snn.LIF(), torch.zeros(0, 2, 3), r"LIF: expected at least one time step \(time, batch, \.\.\.\)"),
        (
            snn.LIFRecurrentCell(3, 4),
            torch.zeros(2, 5),
            "LIFRecurrentCell: expected 3 input features in the last dimension, got 5",
        ),
        (
            snn.LIFRecurrent(3, 4),
            torch.zeros(6, 2, 2),
            "LIFRecurrent: expected 3 input features in the last dimension, got 2",
        ),
        (snn.LILinearCell(3, 4), torch.zeros(2, 4), "LILinearCell: expected 3 input features"),
        (
            snn.LConv2d(2, 3, 3),
            torch.zeros(2, 1, 5, 5, 5),
            r"LConv2d: expected an input of shape \(time, batch, 2, height, width\)",
        ),
        (
            snn.Lift(torch.nn.Identity()),
            torch.zeros(()),
            r"Lift: expected an input of shape \(time, \.\.\.\) with at least one time step, got 0-D",
        ),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, torch.nn.Module) else None,
)
def test_wrong_rank_or_feature_size_is_a_value_error(module, x, message):
    with pytest.raises(ValueError, match=message):
        module(x)


def test_integer_input_is_a_type_error_naming_the_dtype():
    with pytest.raises(TypeError, match="LIFCell: expected a floating-point input, got dtype torch.int64"):
        snn.LIFCell()(torch.zeros(2, dtype=torch.long))


def test_state_of_another_shape_is_a_value_error_naming_the_field():
    layer = snn.LIF()
    _, state = layer(torch.zeros(3, 2, 4))
    with pytest.raises(ValueError, match=r"LIF: state field 'v' has shape \(2, 4\), expected \(5, 4\)"):
        layer(torch.zeros(3, 5, 4), state)


def test_state_of_another_model_is_a_type_error():
    _, state = snn.LIFRecurrent(2, 3)(torch.zeros(3, 1, 2))
    with pytest.raises(TypeError, match="LIF: expected a state of type LIFFeedForwardState, got LIFState"):
        snn.LIF()(torch.zeros(3, 1, 3), state)


def test_plain_tuple_state_is_a_type_error():
    with pytest.raises(TypeError, match="LICell: expected a state NamedTuple, got tuple"):
        snn.LICell()(torch.zeros(2), (torch.zeros(2), torch.zeros(2)))


@pytest.mark.parametrize("factory", [snn.LIFCell, snn.LIF, lambda p: snn.LIFRecurrent(2, 3, p)])
def test_unknown_threshold_method_is_refused_at_construction(factory):
    with pytest.raises(ValueError, match="unknown threshold method 'superspike'; expected one of heaviside, super"):
        factory(snn.LIFParameters(method="superspike"))


def test_weights_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError, match=r"LIFRecurrentCell: expected weights of shape \(4, 3\), got \(3, 4\)"):
        snn.LIFRecurrentCell(3, 4, input_weights=torch.zeros(3, 4))


def test_scripted_container_refuses_a_state():
    model = torch.jit.script(snn.SequentialState(snn.LIF()))
    _, state = model(torch.zeros(2, 1, 3))
    with pytest.raises(Exception, match="a scripted SequentialState starts from the initial state only"):
        model(torch.zeros(2, 1, 3), state)


def test_first_line_quotes_only_the_first_line_of_a_third_party_error():
    from snn_deploy.errors import first_line

    assert first_line(RuntimeError("  shapes differ\n  at node 12\n")) == "shapes differ"
    assert first_line(ValueError("")) == "ValueError"
    assert first_line(KeyError("name")) == "'name'"
