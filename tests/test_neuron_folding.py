"""The exact rewrites of neuron-update arithmetic in exported graphs."""

import numpy as np
import onnx
import onnx_ir as ir
import onnx_ir.passes.common as common
import onnxruntime
import pytest
from onnx import TensorProto, helper

from snn_deploy.export.neuron_folding import fold_neuron_constants


def graph_of(nodes, constants, inputs=("a", "b", "s"), shapes=None):
    """A model of ``nodes`` over float inputs a, b and a bool input s (each of shape ``[6]``
    unless ``shapes`` says otherwise; constants are scalars unless given as ``(value, shape)``),
    with output ``y``."""
    types = {"a": TensorProto.FLOAT, "b": TensorProto.FLOAT, "s": TensorProto.BOOL, "f": TensorProto.FLOAT}
    shapes = shapes or {}
    constants = {name: value if isinstance(value, tuple) else (value, []) for name, value in constants.items()}
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info(name, types[name], shapes.get(name, [6])) for name in inputs],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [
            helper.make_tensor(name, TensorProto.FLOAT, shape, [value] * max(1, int(np.prod(shape))))
            for name, (value, shape) in constants.items()
        ],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def folded(model):
    ir_model = ir.serde.deserialize_model(model)
    fold_neuron_constants(ir_model)
    common.RemoveUnusedNodesPass()(ir_model)
    return ir.serde.serialize_model(ir_model)


def run(model, feeds):
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {k: v for k, v in feeds.items() if k in {i.name for i in session.get_inputs()}})[0]


FEEDS = {
    "a": np.array([1.5, -0.0, 0.0, np.inf, np.nan, 3e-39], np.float32),
    "b": np.array([0.25, 2.0, -0.0, 1.0, -7.0, 1e30], np.float32),
    "s": np.array([True, False, True, False, True, True]),
    "f": np.array([1.0, 0.0, 1.0, 0.0, 1.0, 1.0], np.float32),
}

LEAK = [helper.make_node("Sub", ["zero", "a"], ["n"]), helper.make_node("Add", ["n", "b"], ["y"])]
LEAK_SWAPPED = [helper.make_node("Sub", ["zero", "a"], ["n"]), helper.make_node("Add", ["b", "n"], ["y"])]
RESET = [
    helper.make_node("Mul", ["a", "b"], ["v"]),
    helper.make_node("Cast", ["s"], ["z"], to=TensorProto.FLOAT),
    helper.make_node("Mul", ["z", "zero"], ["m"]),
    helper.make_node("Add", ["v", "m"], ["y"]),
]


@pytest.mark.parametrize(
    "nodes, remaining",
    [(LEAK, ["Sub"]), (LEAK_SWAPPED, ["Sub"]), (RESET, ["Mul"])],
    ids=["leak", "leak-swapped", "reset"],
)
def test_vanishing_terms_fold_away_with_the_same_values(nodes, remaining):
    model = graph_of(nodes, {"zero": 0.0})
    rewritten = folded(model)
    assert [node.op_type for node in rewritten.graph.node] == remaining
    expected, got = run(model, FEEDS), run(rewritten, FEEDS)
    np.testing.assert_array_equal(got, expected)  # equal as values; NaN where NaN


@pytest.mark.parametrize(
    "nodes, constants, inputs",
    [
        (LEAK, {"zero": 0.5}, ("a", "b")),
        (RESET, {"zero": 0.25}, ("a", "b", "s")),
        (
            [
                helper.make_node("Mul", ["a", "a"], ["v"]),
                helper.make_node("Cast", ["f"], ["z"], to=TensorProto.FLOAT),  # not spikes: may be inf or NaN
                helper.make_node("Mul", ["z", "zero"], ["m"]),
                helper.make_node("Add", ["v", "m"], ["y"]),
            ],
            {"zero": 0.0},
            ("a", "f"),
        ),
    ],
    ids=["leak-not-zero", "reset-not-zero", "cast-of-floats"],
)
def test_terms_that_do_not_vanish_exactly_stay(nodes, constants, inputs):
    model = graph_of(nodes, constants, inputs)
    rewritten = folded(model)
    assert [node.op_type for node in rewritten.graph.node] == [node.op_type for node in model.graph.node]


@pytest.mark.parametrize(
    "nodes, constants, shapes",
    [
        (LEAK, {"zero": (0.0, [1, 1])}, {}),  # the zero broadcasts a and b up to (1, 6)
        (RESET, {"zero": 0.0}, {"s": [2, 6]}),  # the spikes broadcast (1 - z) v up to (2, 6)
    ],
    ids=["leak-zero-adds-an-axis", "reset-spikes-add-an-axis"],
)
def test_terms_whose_broadcast_shapes_the_result_stay(nodes, constants, shapes):
    model = graph_of(nodes, constants, shapes=shapes)
    feeds = {**FEEDS, "s": np.resize(FEEDS["s"], shapes.get("s", [6]))}
    assert run(model, feeds).ndim == 2
    rewritten = folded(model)
    assert [node.op_type for node in rewritten.graph.node] == [node.op_type for node in model.graph.node]


def test_a_folded_lif_step_graph_keeps_the_few_nodes_its_equations_need(tmp_path):
    import torch

    import snn_deploy as snn
    from snn_deploy import export

    path = tmp_path / "lif_step.onnx"
    export.to_onnx(snn.LIF().eval(), torch.rand(2, 5), path, step=True)  # validated against eager
    operators = sorted(node.op_type for node in onnx.load(str(path)).graph.node)
    # i += x; v += 0.1 (i - v); i -= 0.2 i; z = [v > 1]; v *= 1 - z
    assert operators == sorted(["Add", "Sub", "Mul", "Add", "Mul", "Sub", "Greater", "Cast", "Sub", "Mul"])
