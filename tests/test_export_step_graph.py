"""Step artifacts of layered sequence models run their layers on the step itself: no length-1
time axis is put on and taken off around every layer, and the values are the model's own."""

from collections import Counter

import numpy as np
import onnx
import pytest
import torch
from torch import nn

import snn_deploy as snn
from snn_deploy import export, runtime
from snn_deploy.artifact.layout import Kind, Layout, Mode
from snn_deploy.errors import ExportError
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
    boundary = Boundary(network, Layout(Mode.STEP, Kind.SEQUENCE), state)
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


class ScaledLIF(snn.LIF):
    """A user's subclass whose forward does more than loop the step."""

    def forward(self, input_tensor, state=None):
        output, state = super().forward(input_tensor, state)
        return 2.0 * output, state


def voltage_floor(module, args, output):
    spikes, state = output
    return spikes, type(state)(v=state.v.clamp(min=-0.05), i=state.i)


def test_layers_with_hooks_or_their_own_forward_step_through_the_model_itself():
    hooked = snn.SequentialState(snn.LIF(), snn.LI())
    assert one_step_layers(hooked) is not None
    handle = hooked[0].register_forward_hook(voltage_floor)
    assert one_step_layers(hooked) is None
    handle.remove()
    assert one_step_layers(hooked) is not None
    hooked.register_forward_pre_hook(lambda module, args: None)
    assert one_step_layers(hooked) is None
    assert one_step_layers(ScaledLIF()) is None
    assert one_step_layers(snn.SequentialState(ScaledLIF(), snn.LI())) is None


def test_a_step_artifact_keeps_what_a_hook_does_to_the_state(tmp_path):
    torch.manual_seed(0)
    network = snn.SequentialState(snn.LIF(), snn.LI()).eval()
    network[0].register_forward_hook(voltage_floor)
    path = tmp_path / "hooked_step.onnx"
    export.to_onnx(network, torch.rand(2, 4), path, step=True)
    x = torch.cat([-20 * torch.ones(30, 2, 4), 30 * torch.ones(15, 2, 4)])  # under the floor, then up
    state, outputs, lowest = None, [], []
    with torch.no_grad():
        for x_t in x:
            output, state = network(x_t[None], state)
            outputs.append(output[0])
            lowest.append(float(state[0].v.min()))
    assert min(lowest) == pytest.approx(-0.05)  # the hook held the voltage up
    artifact_output, artifact_state = runtime.load(path).run(x.numpy())
    np.testing.assert_array_equal(artifact_output, torch.stack(outputs).numpy())
    np.testing.assert_array_equal(artifact_state["0.v"], state[0].v.numpy())


def test_a_layer_stepped_alone_checks_its_input_as_its_forward_does():
    with pytest.raises(ExportError, match="LIFRecurrent: expected 6 input features in the last dimension, got 4"):
        export.to_onnx(snn.LIFRecurrent(6, 5), torch.rand(2, 4), "unused.onnx", step=True)
