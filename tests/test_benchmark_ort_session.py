"""The bench's onnxruntime sessions and its carried-state step; values asserted, no timing."""

import numpy as np
import torch
from onnx import TensorProto, helper

from snn_deploy.benchmarks.ort_session import carried_step, onnxruntime_session


def counter_model() -> bytes:
    """``(x, s) -> (x + s, s + 1)``: the output shows the state each step read."""
    nodes = [helper.make_node("Add", ["x", "s"], ["y"]), helper.make_node("Add", ["s", "one"], ["s_new"])]
    ports = [helper.make_tensor_value_info(name, TensorProto.FLOAT, [2]) for name in ("x", "s", "y", "s_new")]
    graph = helper.make_graph(
        nodes, "counter", ports[:2], ports[2:], [helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])]
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def test_the_step_carries_the_returned_state_into_the_next_call():
    state = [np.array([10.0, 20.0], np.float32)]
    step = carried_step(onnxruntime_session(counter_model()), state)
    x = np.array([1.0, 2.0], np.float32)
    outputs = [step(x).tolist() for _ in range(3)]
    assert outputs == [[11.0, 22.0], [12.0, 23.0], [13.0, 24.0]]
    assert state[0].tolist() == [13.0, 23.0]


def test_the_session_takes_threads_and_level():
    session = onnxruntime_session(counter_model(), threads=1, level="basic")
    options = session.get_session_options()
    assert options.intra_op_num_threads == 1 and options.inter_op_num_threads == 1
    assert str(options.graph_optimization_level).endswith("ORT_ENABLE_BASIC")
    default = onnxruntime_session(counter_model()).get_session_options()
    assert default.intra_op_num_threads == torch.get_num_threads()
    assert str(default.graph_optimization_level).endswith("ORT_ENABLE_ALL")
