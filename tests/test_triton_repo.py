"""``snn-deploy triton-repo``: every generated ``config.pbtxt`` parses with Triton's model-config
schema (``tritonclient.grpc.model_config_pb2``, generated from Triton's ``model_config.proto``)
and agrees with the ONNX graph (read with ``onnx``) on every input, output, dim, datatype and state."""

from pathlib import Path
from typing import Dict

import numpy as np
import onnx
import pytest
import torch
from google.protobuf import text_format
from tritonclient.grpc import model_config_pb2

import snn_deploy as snn
from snn_deploy import runtime
from snn_deploy.cli import main
from snn_deploy.export import to_onnx

ONNX_TO_TRITON = {
    onnx.TensorProto.FLOAT: model_config_pb2.TYPE_FP32,
    onnx.TensorProto.DOUBLE: model_config_pb2.TYPE_FP64,
    onnx.TensorProto.FLOAT16: model_config_pb2.TYPE_FP16,
    onnx.TensorProto.INT64: model_config_pb2.TYPE_INT64,
    onnx.TensorProto.BOOL: model_config_pb2.TYPE_BOOL,
}


def _graph_ports(path: Path) -> Dict[str, Dict[str, tuple]]:
    """``{"inputs"|"outputs": {name: (triton datatype, dims with -1 for a symbolic dim)}}``."""
    graph = onnx.load(str(path), load_external_data=False).graph
    initializers = {init.name for init in graph.initializer}

    def ports(values) -> Dict[str, tuple]:
        found = {}
        for value in values:
            if value.name in initializers:
                continue
            tensor = value.type.tensor_type
            dims = [dim.dim_value if dim.HasField("dim_value") else -1 for dim in tensor.shape.dim]
            found[value.name] = (ONNX_TO_TRITON[tensor.elem_type], dims)
        return found

    return {"inputs": ports(graph.input), "outputs": ports(graph.output)}


def _config(folder: Path) -> model_config_pb2.ModelConfig:
    return text_format.Parse((folder / "config.pbtxt").read_text(), model_config_pb2.ModelConfig())


@pytest.fixture(scope="module")
def leaky_step(tmp_path_factory) -> Path:
    """A step artifact whose initial membrane potential is not zero (v_leak = 0.3)."""
    torch.manual_seed(0)
    model = snn.SequentialState(torch.nn.Linear(3, 4), snn.LIF(snn.LIFParameters(v_leak=torch.tensor(0.3)))).eval()
    path = tmp_path_factory.mktemp("leaky") / "leaky_step.onnx"
    to_onnx(model, torch.rand(2, 3), path, step=True)
    return path


@pytest.fixture(scope="module")
def repository(artifacts, leaky_step, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("triton") / "repo"
    step, sequence = artifacts.path("onnx", "step"), artifacts.path("onnx", "sequence")
    assert main(["triton-repo", str(step), f"lif_sequence={sequence}", str(leaky_step), "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("name", ["onnx_step", "leaky_step"])
def test_step_config_has_sequence_batching_with_implicit_state(repository, name):
    folder = repository / name
    config = _config(folder)
    graph = _graph_ports(folder / "1" / "model.onnx")
    session = runtime.load(folder / "1" / "model.onnx")
    assert config.name == name and config.platform == "onnxruntime_onnx" and config.max_batch_size == 64
    assert config.WhichOneof("scheduling_choice") == "sequence_batching"
    batching = config.sequence_batching
    assert batching.WhichOneof("strategy_choice") == "oldest"
    assert batching.oldest.max_candidate_sequences == 64 and batching.oldest.max_queue_delay_microseconds == 500
    assert batching.max_sequence_idle_microseconds == 60_000_000
    # inputs and outputs: the data ports, dims without the batch axis (Triton adds it first)
    for entries, ports in ((config.input, graph["inputs"]), (config.output, graph["outputs"])):
        for entry in entries:
            kind, dims = ports[entry.name]
            assert dims[0] == -1 and list(entry.dims) == dims[1:] and entry.data_type == kind
    # state: every state.* input maps to its new_state.* output, same dims and datatype
    states = {entry.input_name: entry for entry in batching.state}
    assert set(states) == {n for n in graph["inputs"] if n.startswith("state.")} and states
    assert {entry.name for entry in config.input} | set(states) == set(graph["inputs"])
    assert {entry.name for entry in config.output} | {e.output_name for e in states.values()} == set(graph["outputs"])
    initial = session.initial_state(1)
    for input_name, entry in states.items():
        path = input_name[len("state.") :]
        assert entry.output_name == "new_state." + path
        kind, dims = graph["inputs"][input_name]
        assert dims[0] == -1 and (entry.data_type, list(entry.dims)) == (kind, dims[1:])
        assert graph["outputs"][entry.output_name] == (kind, dims)
        (start,) = entry.initial_state
        assert start.data_type == kind and list(start.dims) == dims[1:]
        expected = initial[path][0]
        if start.WhichOneof("state_data") == "zero_data":
            assert start.zero_data and not expected.any()
        else:
            raw = (folder / "initial_state" / start.data_file).read_bytes()
            np.testing.assert_array_equal(np.frombuffer(raw, np.float32).reshape(expected.shape), expected)
            assert expected.any()


def test_leaky_initial_state_is_a_data_file(repository):
    states = _config(repository / "leaky_step").sequence_batching.state
    sources = [start.WhichOneof("state_data") for entry in states for start in entry.initial_state]
    assert sorted(sources) == ["data_file", "zero_data"]


def test_sequence_config_is_stateless_with_every_port(repository):
    folder = repository / "lif_sequence"
    config = _config(folder)
    graph = _graph_ports(folder / "1" / "model.onnx")
    assert config.max_batch_size == 0 and config.WhichOneof("scheduling_choice") is None
    for entries, ports in ((config.input, graph["inputs"]), (config.output, graph["outputs"])):
        assert {entry.name: (entry.data_type, list(entry.dims)) for entry in entries} == ports


def test_refuses_an_existing_model_folder_and_torchscript(repository, artifacts, capsys):
    assert main(["triton-repo", str(artifacts.path("onnx", "step")), "--out", str(repository)]) == 1
    assert "exists already" in capsys.readouterr().err
    assert main(["triton-repo", str(artifacts.path("torchscript", "step")), "--out", str(repository / "x")]) == 1
    assert "ONNX artifacts only" in capsys.readouterr().err
