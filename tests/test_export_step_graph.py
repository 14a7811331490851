"""Step artifacts of layered sequence models run their layers on the step itself: no length-1
time axis is put on and taken off around every layer, and the values are the model's own."""

from collections import Counter

import onnx
import pytest
import torch
from torch import nn

import snn_deploy as snn
from snn_deploy import export
from snn_deploy.export.boundary import Boundary, one_step_layers
from snn_deploy.state import named_tensors


def conv_network() -> snn.SequentialState:
    torch.manual_seed(0)
    return snn.SequentialState(
        snn.Lift(nn.Conv2d(2, 4, 3, padding=1)),
        snn.LIF(),
        snn.Lift(nn.MaxPool2d(2)),
        snn.Lift(nn.Flatten()),
        snn.Lift(nn.Linear(64, 3)),
        snn.LI(),
    )


def test_one_step_layers_takes_neuron_layers_and_stateless_lifts_only():
    network = conv_network()
    assert one_step_layers(network) == list(network)
    recurrent = snn.LIFRecurrent(3, 5)
    assert one_step_layers(recurrent) == [recurrent]
    assert one_step_layers(snn.SequentialState(snn.Lift(nn.Linear(3, 3)), nn.Flatten(2))) is None
    assert one_step_layers(snn.SequentialState(snn.Lift(snn.LIFCell()))) is None


def test_the_layer_by_layer_step_equals_the_model_on_a_length_one_sequence_from_a_nonzero_state():
    network = conv_network().eval()
    generator = torch.Generator().manual_seed(1)
    x_t = (torch.rand(3, 2, 8, 8, generator=generator) < 0.3).float() * 4.0
    state = network.initial_state(x_t[None])
    state = [None if s is None else type(s)(*[torch.rand(t.shape, generator=generator) for t in s]) for s in state]
    boundary = Boundary(network, "sequence", True, state)
    assert boundary.layers is not None
    with torch.no_grad():
        output, *new_state = boundary(x_t, *[tensor for _, tensor in named_tensors(state)])
        expected, expected_state = network(x_t[None], state)
    assert torch.equal(output, expected[0])
    for got, (_, want) in zip(new_state, named_tensors(expected_state), strict=True):
        assert torch.equal(got, want)
    assert output.abs().sum() > 0


@pytest.mark.parametrize("model", [conv_network(), snn.LIFRecurrent(6, 5)], ids=["conv", "recurrent"])
def test_the_step_graph_has_no_time_axis_nodes_and_validates(tmp_path, model):
    example = torch.rand(2, 2, 8, 8) if isinstance(model, snn.SequentialState) else torch.rand(2, 6)
    path = tmp_path / "step.onnx"
    export.to_onnx(model.eval(), example, path, step=True)  # validated against eager on fresh inputs
    graph = onnx.load(str(path)).graph
    operators = Counter(node.op_type for node in graph.node)
    assert not {"Unsqueeze", "Squeeze", "Slice", "Split"} & set(operators), operators
    (crossing,) = [node for node in graph.node if node.op_type == "Greater"]
    constants = {tensor.name: onnx.numpy_helper.to_array(tensor) for tensor in graph.initializer}
    assert constants[crossing.input[1]] == 1.0  # v > v_th itself, not (v - v_th) > 0
