"""``Session.run_steps``: one time step of several streams as one call gives every stream the
spikes of stepping it alone and its state within float rounding (the server's dynamic batcher
runs on it)."""

import numpy as np
import pytest
import torch
from runtime_models import Artifacts, eager, inputs

from snn_deploy import runtime
from snn_deploy.errors import InputError
from snn_deploy.runtime import State

BATCHES = (1, 3, 2)
WARM_UP = 5  # steps each stream runs alone first, so that no state is the initial one


def _streams(session: runtime.Session):
    """Per stream: its next step's input and its state after ``WARM_UP`` steps of its own."""
    xs, states = [], []
    for seed, batch in enumerate(BATCHES):
        x = inputs(WARM_UP + 1, batch, seed=seed + 10).numpy() * 2
        _, state = session.run(x[:WARM_UP])
        xs.append(x[WARM_UP])
        states.append(state)
    return xs, states


def _open(artifacts: Artifacts, fmt: str, mode: str) -> runtime.Session:
    step = artifacts.path(fmt, "step")
    if mode == "step":
        return runtime.load(step, trusted=fmt != "onnx")
    return runtime.load(artifacts.path(fmt, "sequence"), step_artifact=step, trusted=fmt != "onnx")


@pytest.mark.parametrize("fmt,mode", [("onnx", "step"), ("onnx", "sequence"), ("torchscript", "step")])
def test_each_stream_gets_what_stepping_it_alone_gives(artifacts: Artifacts, fmt: str, mode: str):
    session = _open(artifacts, fmt, mode)
    xs, states = _streams(session)
    outputs, new_states = session.run_steps(xs, states)
    assert len(outputs) == len(new_states) == len(BATCHES)
    for x, state, output, new_state, batch in zip(xs, states, outputs, new_states, BATCHES):
        alone, alone_state = session.run(x[None], state)  # a sequence of one step
        assert isinstance(output, np.ndarray) and output.shape == (batch, 3)
        np.testing.assert_array_equal(output, alone[0])
        assert isinstance(new_state, State) and new_state.model_key == session.signature.model_key
        assert list(new_state) == session.state_paths
        for path in session.state_paths:
            # a matrix product over more rows may round differently: spikes equal, values close
            np.testing.assert_allclose(new_state[path], alone_state[path], rtol=1e-5, atol=1e-6, err_msg=path)
    assert any(np.any(state["1.v"] != 0) for state in new_states)  # the warm-up left a non-zero state


def test_the_batched_step_continues_each_stream_as_eager_does(artifacts: Artifacts):
    session = _open(artifacts, "onnx", "step")
    sequences = [inputs(8, batch, seed=seed).numpy() * 2 for seed, batch in enumerate(BATCHES)]
    states = [session.initial_state(batch) for batch in BATCHES]
    outputs = [[] for _ in BATCHES]
    for t in range(8):
        step_outputs, states = session.run_steps([x[t] for x in sequences], states)
        for collected, output in zip(outputs, step_outputs):
            collected.append(output)
    for x, collected, state in zip(sequences, outputs, states):
        expected, expected_state = eager(artifacts.model, torch.from_numpy(x))
        np.testing.assert_array_equal(np.stack(collected), expected.numpy())
        np.testing.assert_allclose(state["3.v"], expected_state["3.v"].numpy(), rtol=1e-5, atol=1e-6)


def test_a_missing_state_is_the_initial_one_and_torch_in_gives_torch_out(artifacts: Artifacts):
    session = _open(artifacts, "torchscript", "step")
    x = inputs(1, 2, seed=3)[0] * 2
    (output,), (state,) = session.run_steps([x], [None])
    assert isinstance(output, torch.Tensor) and isinstance(state["1.v"], torch.Tensor)
    torch.testing.assert_close(output, eager(artifacts.model, x[None])[0][0], rtol=0, atol=0)


def test_bad_calls_name_what_was_expected(artifacts: Artifacts):
    session = _open(artifacts, "onnx", "step")
    x = inputs(1, 2)[0].numpy()
    with pytest.raises(InputError, match="one state per input, got 2 inputs, 1 states"):
        session.run_steps([x, x], [None])
    with pytest.raises(InputError, match="got 0 inputs"):
        session.run_steps([], [])
    with pytest.raises(InputError, match=r"state '1.v': has batch size 3, the input has batch size 2"):
        session.run_steps([x, x], [None, session.initial_state(3)])
    with pytest.raises(InputError, match="expected dtype float32, got float64"):
        session.run_steps([x, x.astype(np.float64)], [None, None])
