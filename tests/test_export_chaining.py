"""Streaming with artifacts: a step artifact run T times, and a sequence artifact over
consecutive chunks with the state carried, equal eager on the whole sequence."""

import onnxruntime
import pytest
import torch
from helpers import assert_same_outputs
from torch import nn

import snn_deploy as snn
from snn_deploy.export import to_onnx
from snn_deploy.state import named_tensors


def network():
    torch.manual_seed(0)
    return snn.SequentialState(snn.Lift(nn.Linear(3, 6)), snn.LIFRecurrent(6, 5), snn.LI()).eval()


def whole_sequence(model, x):
    with torch.no_grad():
        output, state = model(x)
    return [output] + [tensor for _, tensor in named_tensors(state)]


def run(session, x, state):
    names = [value.name for value in session.get_inputs()]
    return [torch.from_numpy(a) for a in session.run(None, dict(zip(names, [t.detach().numpy() for t in [x, *state]])))]


@pytest.fixture(scope="module")
def inputs():
    return 30.0 * torch.rand(12, 2, 3, generator=torch.Generator().manual_seed(3))


def test_step_artifact_run_step_by_step_equals_the_whole_sequence(inputs, tmp_path):
    model = network()
    to_onnx(model, inputs[0], tmp_path / "step.onnx", step=True)
    session = onnxruntime.InferenceSession(str(tmp_path / "step.onnx"))
    state = [tensor for _, tensor in named_tensors(model.initial_state(inputs))]
    outputs = []
    for x_t in inputs:
        output, *state = run(session, x_t, state)
        outputs.append(output)
    assert_same_outputs([torch.stack(outputs), *state], whole_sequence(model, inputs))


def test_sequence_artifact_over_chunks_with_the_state_carried_equals_the_whole_sequence(inputs, tmp_path):
    model = network()
    to_onnx(model, inputs[:4], tmp_path / "sequence.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "sequence.onnx"))
    state = [tensor for _, tensor in named_tensors(model.initial_state(inputs))]
    outputs = []
    for chunk in inputs.split(4):
        output, *state = run(session, chunk, state)
        outputs.append(output)
    assert_same_outputs([torch.cat(outputs), *state], whole_sequence(model, inputs))


def test_cell_step_artifact_chained_equals_the_cell_over_time(inputs, tmp_path):
    torch.manual_seed(0)
    cell = snn.LIFRecurrentCell(3, 4).eval()
    to_onnx(cell, inputs[0], tmp_path / "cell.onnx", step=True)
    session = onnxruntime.InferenceSession(str(tmp_path / "cell.onnx"))
    state, expected_state = [tensor for _, tensor in named_tensors(cell.initial_state(inputs[0]))], None
    with torch.no_grad():
        for x_t in inputs:
            output, *state = run(session, x_t, state)
            expected, expected_state = cell(x_t, expected_state)
            assert_same_outputs(output, expected)
