"""The runtime reproduces eager for every format and mode: any length, any batch, streams."""

import numpy as np
import pytest
import torch
from runtime_models import FORMATS, Artifacts, T, eager, inputs

from snn_deploy import runtime

CASES = [(fmt, mode) for fmt in FORMATS for mode in ("sequence", "step")]


def open_session(artifacts: Artifacts, fmt: str, mode: str) -> runtime.Session:
    step = artifacts.path(fmt, "step") if mode == "sequence" else None
    return runtime.load(artifacts.path(fmt, mode), step_artifact=step, trusted=fmt != "onnx")


def assert_matches(output, state, reference) -> None:
    ref_output, ref_state = reference
    np.testing.assert_array_equal(np.asarray(output), ref_output.numpy())  # spikes: exactly
    assert list(state) == list(ref_state)
    for path, value in state.items():
        np.testing.assert_allclose(np.asarray(value), ref_state[path].numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fmt,mode", CASES)
@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("length", [1, T - 1, T, 2 * T + 3])
def test_run_equals_eager(artifacts: Artifacts, fmt: str, mode: str, batch: int, length: int):
    session = open_session(artifacts, fmt, mode)
    x = inputs(length, batch) * 2
    reference = eager(artifacts.model, x)
    assert length <= T or reference[0].sum() > 0, "the test input must make spikes"
    output, state = session.run(x.numpy())
    assert isinstance(output, np.ndarray) and output.shape == reference[0].shape
    assert_matches(output, state, reference)


@pytest.mark.parametrize("fmt,mode", CASES)
def test_torch_in_torch_out_and_state_carried(artifacts: Artifacts, fmt: str, mode: str):
    session = open_session(artifacts, fmt, mode)
    x = inputs(3 * T + 1, 2) * 2
    first, state = session.run(x[:5])
    second, state = session.run(x[5:], state)
    assert isinstance(first, torch.Tensor) and first.device.type == "cpu"
    assert all(isinstance(value, torch.Tensor) for value in state.values())
    assert_matches(torch.cat([first, second]), state, eager(artifacts.model, x))


@pytest.mark.parametrize("fmt,mode", CASES)
def test_stream_of_single_steps_equals_sequence_run(artifacts: Artifacts, fmt: str, mode: str):
    session = open_session(artifacts, fmt, mode)
    x = inputs(T, 2).numpy() * 2
    whole, whole_state = session.run(x)
    stream = session.stream(batch_size=2)
    steps = np.stack([stream.step(x_t) for x_t in x])
    np.testing.assert_array_equal(steps, whole)
    for path, value in stream.state.items():
        np.testing.assert_allclose(np.asarray(value), whole_state[path], rtol=1e-6)
    stream.reset()
    np.testing.assert_array_equal(stream.step(x[0]), whole[0])


def test_initial_state_comes_from_the_manifest(artifacts: Artifacts):
    session = open_session(artifacts, "onnx", "sequence")
    state = session.initial_state(batch_size=3)
    model_state = dict(eager(artifacts.model, inputs(T, 3))[1])
    assert list(state) == list(model_state) == ["1.v", "1.i", "3.v", "3.i"]
    assert state["1.v"].shape == (3, 8) and state["3.i"].shape == (3, 3)
    assert all(value.dtype == np.float32 for value in state.values())


def test_step_artifact_takes_one_step_or_a_sequence(artifacts: Artifacts):
    session = open_session(artifacts, "onnx", "step")
    x = inputs(2, 3).numpy() * 2
    one, state = session.run(x[0])
    two, state = session.run(x[1], state)
    whole, whole_state = session.run(x)
    np.testing.assert_array_equal(np.stack([one, two]), whole)
