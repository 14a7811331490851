"""A stream of a CPU ONNX step artifact keeps its state bound in onnxruntime between steps: it
equals Session.run and the carried (unbound) path exactly, and behaves as every stream does."""

import numpy as np
import onnx
import pytest
import torch
from onnx import TensorProto, helper
from runtime_models import Artifacts
from torch import nn

import snn_deploy as snn
from snn_deploy import runtime
from snn_deploy.errors import InputError
from snn_deploy.export import to_onnx
from snn_deploy.manifest import ONNX_DIGEST_KEY, OUTPUT_NAME, onnx_digest
from snn_deploy.runtime.stream import CarriedState

BATCH = 2
STEPS = 12
STATE_PATHS = ["1.v", "1.i", "4.v", "4.i"]


def conv_model() -> nn.Module:
    """Conv -> LIF -> Flatten -> Linear -> LI: four state tensors, and v starts at v_leak (not 0)."""
    torch.manual_seed(0)
    p = snn.LIFParameters(v_leak=torch.tensor(0.1), v_th=torch.tensor(0.3))
    return snn.SequentialState(
        snn.Lift(nn.Conv2d(2, 4, 3, padding=1)),
        snn.LIF(p),
        snn.Lift(nn.Flatten()),
        snn.Lift(nn.Linear(4 * 6 * 6, 5)),
        snn.LI(),
    ).eval()


def step_inputs(seed: int = 1) -> np.ndarray:
    generator = torch.Generator().manual_seed(seed)
    return (2 * torch.rand(STEPS, BATCH, 2, 6, 6, generator=generator)).numpy()


@pytest.fixture(scope="module")
def step_path(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("bound") / "conv_step.onnx"
    to_onnx(conv_model(), torch.from_numpy(step_inputs()[0]), path, step=True)
    return str(path)


@pytest.fixture
def session(step_path: str) -> runtime.Session:
    return runtime.load(step_path, threads=1)


def carried_run(session: runtime.Session, x: np.ndarray):
    """The unbound path: the state handed to the session and back each step."""
    carried = CarriedState(session)
    carried.load(list(session.initial_state(BATCH).values()))
    outputs = [carried.step(x_t, BATCH) for x_t in x]
    return np.stack(outputs), dict(zip(session.state_paths, carried.values()))


def test_the_state_is_bound_only_for_a_cpu_onnx_step_artifact(session: runtime.Session, artifacts: Artifacts):
    assert session.bind_state(BATCH) is not None
    sequence = runtime.load(artifacts.path("onnx", "sequence"), step_artifact=artifacts.path("onnx", "step"))
    assert sequence.bind_state(BATCH) is not None  # its steps run in the step companion
    assert runtime.load(artifacts.path("onnx", "sequence")).bind_state(BATCH) is None
    mixed = runtime.load(
        artifacts.path("torchscript", "sequence"), step_artifact=artifacts.path("onnx", "step"), trusted=True
    )
    assert mixed.bind_state(BATCH) is None
    assert runtime.load(artifacts.path("torchscript", "step"), trusted=True).bind_state(BATCH) is None


def test_bound_stream_equals_run_and_the_carried_path(session: runtime.Session):
    x = step_inputs()
    initial = session.initial_state(BATCH)
    assert list(initial) == STATE_PATHS and np.all(initial["1.v"] == np.float32(0.1))  # starts away from 0
    stream = session.stream(batch_size=BATCH)
    outputs = np.stack([stream.step(x_t) for x_t in x])
    whole, whole_state = session.run(x)
    carried, carried_state = carried_run(session, x)
    one_by_one, state = [], initial
    for x_t in x:
        y_t, state = session.run(x_t, state)
        one_by_one.append(y_t)
    assert np.abs(outputs).sum() > 0 and whole_state["1.v"].max() != whole_state["1.v"].min()
    for reference in (whole, carried, np.stack(one_by_one)):
        np.testing.assert_array_equal(outputs, reference)
    final = stream.state
    assert list(final) == STATE_PATHS
    for reference_state in (whole_state, carried_state, state):
        for path in STATE_PATHS:
            np.testing.assert_array_equal(final[path], reference_state[path], err_msg=path)


def test_torch_in_gives_torch_out(session: runtime.Session):
    x = step_inputs()
    stream = session.stream(batch_size=BATCH)
    outputs = [stream.step(torch.from_numpy(x_t)) for x_t in x[:3]]
    assert all(isinstance(y_t, torch.Tensor) for y_t in outputs)
    np.testing.assert_array_equal(torch.stack(outputs).numpy(), session.run(x[:3])[0])


def test_returned_outputs_and_states_stay_unchanged_by_later_steps(session: runtime.Session):
    x = step_inputs()
    stream = session.stream(batch_size=BATCH)
    first = stream.step(x[0])
    kept_output, early_state = first.copy(), stream.state
    kept_state = {path: value.copy() for path, value in early_state.items()}
    for x_t in x[1:]:
        stream.step(x_t)
    np.testing.assert_array_equal(first, kept_output)
    for path, value in kept_state.items():
        np.testing.assert_array_equal(early_state[path], value, err_msg=path)
    assert not np.array_equal(stream.state["1.v"], kept_state["1.v"])
    early_state["1.v"][...] = 7.0  # the caller's copy: the stream's state is not touched
    assert not np.any(stream.state["1.v"] == 7.0)


def test_reset_returns_to_the_initial_state(session: runtime.Session):
    x = step_inputs()
    stream = session.stream(batch_size=BATCH)
    first = [stream.step(x_t) for x_t in x[:5]]
    stream.reset()
    for path, value in session.initial_state(BATCH).items():
        np.testing.assert_array_equal(stream.state[path], value, err_msg=path)
    np.testing.assert_array_equal(np.stack([stream.step(x_t) for x_t in x[:5]]), np.stack(first))


def test_two_streams_of_one_session_are_independent(session: runtime.Session):
    a, b = step_inputs(seed=1), step_inputs(seed=2)
    first, second = session.stream(batch_size=BATCH), session.stream(batch_size=BATCH)
    interleaved = [(first.step(a_t), second.step(b_t)) for a_t, b_t in zip(a, b)]
    for index, (x, stream) in enumerate(((a, first), (b, second))):
        whole, whole_state = session.run(x)
        np.testing.assert_array_equal(np.stack([pair[index] for pair in interleaved]), whole)
        for path in STATE_PATHS:
            np.testing.assert_array_equal(stream.state[path], whole_state[path], err_msg=path)


def _failing_above_one(source: str, target: str) -> None:
    """The artifact with a lookup whose index is the input's maximum: onnxruntime refuses any
    input with a value of 2 or more at run time, and adds 0 to the output otherwise."""
    model = onnx.load(source)
    graph = model.graph
    producer = next(node for node in graph.node if OUTPUT_NAME in node.output)
    producer.output[list(producer.output).index(OUTPUT_NAME)] = "raw_output"
    graph.initializer.append(helper.make_tensor("table", TensorProto.FLOAT, [2], [0.0, 0.0]))
    graph.node.extend(
        [
            helper.make_node("ReduceMax", ["input"], ["largest"], keepdims=0),
            helper.make_node("Cast", ["largest"], ["index"], to=TensorProto.INT64),
            helper.make_node("Gather", ["table", "index"], ["zero"]),
            helper.make_node("Add", ["raw_output", "zero"], [OUTPUT_NAME]),
        ]
    )
    for entry in model.metadata_props:
        if entry.key == ONNX_DIGEST_KEY:
            entry.value = onnx_digest(model)
    onnx.save(model, target)


def test_a_failing_run_raises_input_error_and_keeps_the_state(step_path: str, tmp_path):
    target = str(tmp_path / "failing_step.onnx")
    _failing_above_one(step_path, target)
    session = runtime.load(target, threads=1)
    x = step_inputs()
    stream, reference = session.stream(batch_size=BATCH), runtime.load(step_path).stream(batch_size=BATCH)
    for x_t in x[:3]:
        np.testing.assert_array_equal(stream.step(x_t), reference.step(x_t))
    before = stream.state
    with pytest.raises(InputError, match=r"failing_step.onnx: onnxruntime refused the input: .*Gather"):
        stream.step(np.full_like(x[3], 5.0))
    for path, value in before.items():
        np.testing.assert_array_equal(stream.state[path], value, err_msg=path)
    for x_t in x[3:]:
        np.testing.assert_array_equal(stream.step(x_t), reference.step(x_t))


def test_the_carried_path_also_hands_out_copies_of_its_state(artifacts: Artifacts):
    torchscript = runtime.load(artifacts.path("torchscript", "step"), trusted=True)
    stream = torchscript.stream(batch_size=2)
    port = torchscript.step_port
    stream.step(np.ones([2 if size is None else size for size in port.shape], np.float32))
    path = torchscript.state_paths[0]
    before = torch.as_tensor(stream.state[path]).clone()
    handed_out = stream.state[path]  # a torch tensor: the torch backend's own arrays
    handed_out[...] = 7.0  # the caller's copy: the stream's state is not touched
    assert torch.equal(torch.as_tensor(stream.state[path]), before) and not torch.all(before == 7.0)


def test_a_sequence_sessions_stream_binds_its_step_companion(step_path: str, tmp_path):
    sequence_path = tmp_path / "conv_sequence.onnx"
    x = step_inputs()
    to_onnx(conv_model(), torch.from_numpy(x[:4]), sequence_path)
    paired = runtime.load(sequence_path, step_artifact=step_path, threads=1)
    stream = paired.stream(batch_size=BATCH)
    outputs = np.stack([stream.step(x_t) for x_t in x])
    step_only, step_state = runtime.load(step_path, threads=1).run(x)
    np.testing.assert_array_equal(outputs, step_only)
    for path in STATE_PATHS:
        np.testing.assert_array_equal(stream.state[path], step_state[path], err_msg=path)
    whole, _ = paired.run(x)  # chunks of T=4 through the sequence artifact
    np.testing.assert_allclose(outputs, whole, rtol=1e-5, atol=1e-5)
    assert np.abs(outputs).sum() > 0
