"""The gRPC half of ``snn-deploy serve``: a real server process on 127.0.0.1, driven by
``tritonclient.grpc`` (unary calls and ``start_stream`` / ``async_stream_infer``) and by grpcio
stubs over ``tritonclient``'s generated messages.

The reference for every answer is :meth:`snn_deploy.runtime.Session.run` on the same artifact in
this process, each stream run alone at batch 1.
"""

import queue
import socket
import threading
import time
from typing import Dict, List, Tuple

import grpc
import numpy as np
import pytest
import tritonclient.grpc as triton
from runtime_models import FEATURES
from serve_helpers import infer_body
from tritonclient.grpc import service_pb2, service_pb2_grpc
from tritonclient.utils import InferenceServerException

from snn_deploy import runtime
from snn_deploy.cli import main
from snn_deploy.serve.process import ServerProcess

STREAMS, STEPS = 64, 100
Result = Tuple[object, object]


@pytest.fixture(scope="module")
def paths(artifacts):
    return {"step": str(artifacts.path("onnx", "step")), "sequence": str(artifacts.path("onnx", "sequence"))}


@pytest.fixture(scope="module")
def server(paths):
    process = ServerProcess([paths["step"], f"whole={paths['sequence']}"], "--max-sequences", "200", block_torch=True)
    yield process
    clean, logs = process.stop()
    assert clean and [entry["message"] for entry in logs].count("stopped") == 1


@pytest.fixture(scope="module")
def client(server):
    with triton.InferenceServerClient(server.grpc_url) as connection:
        yield connection


@pytest.fixture(scope="module")
def stub(server):
    with grpc.insecure_channel(server.grpc_url) as channel:
        yield service_pb2_grpc.GRPCInferenceServiceStub(channel)


def _input(x: np.ndarray, datatype: str = "FP32", name: str = "input") -> triton.InferInput:
    tensor = triton.InferInput(name, list(x.shape), datatype)
    tensor.set_data_from_numpy(x)
    return tensor


def _inputs(shape, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 1, shape).astype(np.float32)


def test_health_metadata_and_config(client, server):
    assert client.is_server_live() and client.is_server_ready()
    assert client.is_model_ready("onnx_step") and client.is_model_ready("whole")
    assert set(client.get_server_metadata().extensions) >= {"sequence", "binary_tensor_data"}
    metadata = client.get_model_metadata("onnx_step")
    assert (metadata.name, list(metadata.versions), metadata.platform) == ("onnx_step", ["1"], "onnxruntime_onnx")
    assert [(t.name, t.datatype, list(t.shape)) for t in metadata.inputs] == [("input", "FP32", [-1, FEATURES])]
    assert [(t.name, t.datatype, list(t.shape)) for t in metadata.outputs] == [("output", "FP32", [-1, 3])]
    rest = server.get("/v2/models/whole")[1]
    whole = client.get_model_metadata("whole")
    assert list(whole.inputs[0].shape) == rest["inputs"][0]["shape"]
    config = client.get_model_config("onnx_step").config
    assert (config.name, config.platform, config.max_batch_size) == ("onnx_step", "onnxruntime_onnx", 0)
    assert [(p.name, list(p.dims)) for p in config.input] == [("input", [-1, FEATURES])]
    with pytest.raises(InferenceServerException) as error:
        client.get_model_metadata("nope")
    assert error.value.status() == "StatusCode.NOT_FOUND" and "unknown model 'nope'" in error.value.message()


@pytest.mark.parametrize("model, length", [("whole", 8), ("onnx_step", 7)])
def test_whole_sequence_raw_and_typed_equals_session_run(client, stub, paths, model, length):
    """A (T, B, ...) request without sequence parameters, as raw_input_contents (tritonclient)
    and as typed fp32_contents (answered in typed contents): the output of Session.run."""
    session = runtime.load(paths["sequence" if model == "whole" else "step"])
    x = _inputs((length, 3, FEATURES), seed=length) * 2
    expected, _ = session.run(x)
    assert expected.any()
    np.testing.assert_array_equal(client.infer(model, [_input(x)]).as_numpy("output"), expected)
    request = service_pb2.ModelInferRequest(model_name=model, id="typed")
    request.inputs.add(name="input", datatype="FP32", shape=x.shape).contents.fp32_contents.extend(x.ravel())
    response = stub.ModelInfer(request)
    assert response.id == "typed" and not response.raw_output_contents
    output = response.outputs[0]
    assert (output.name, output.datatype, list(output.shape)) == ("output", "FP32", list(expected.shape))
    np.testing.assert_array_equal(
        np.asarray(output.contents.fp32_contents, np.float32).reshape(expected.shape), expected
    )


def _stream_client(server, results: "queue.Queue[Result]") -> triton.InferenceServerClient:
    connection = triton.InferenceServerClient(server.grpc_url)
    connection.start_stream(callback=lambda result, error: results.put((result, error)))
    return connection


def _collect(results: "queue.Queue[Result]", count: int) -> Dict[str, np.ndarray]:
    """``count`` stream answers by request id, failing on any error."""
    answers = {}
    for _ in range(count):
        result, error = results.get(timeout=120)
        assert error is None, error
        answers[result.get_response().id] = result.as_numpy("output")
    return answers


def test_concurrent_streams_equal_serial_runs(server, paths):
    """64 streams of 100 steps at once, one sequence each, every step sent without waiting for
    the last answer: batched by the server, answered in order, and every output equal bit for
    bit to running that stream alone at batch 1."""
    session = runtime.load(paths["step"])
    xs = [_inputs((STEPS, 1, FEATURES), seed=100 + stream) * 1.5 for stream in range(STREAMS)]
    calls_before = server.metric("snn_step_batch_size_count", model="onnx_step")
    streams = [queue.Queue() for _ in range(STREAMS)]
    clients = [_stream_client(server, results) for results in streams]
    for t in range(STEPS):
        for stream, connection in enumerate(clients):
            connection.async_stream_infer(
                "onnx_step",
                [_input(xs[stream][t])],
                request_id=f"{stream}-{t}",
                sequence_id=stream + 1,
                sequence_start=t == 0,
                sequence_end=t == STEPS - 1,
            )
    for stream, results in enumerate(streams):
        ids, outputs = [], []
        for _ in range(STEPS):
            result, error = results.get(timeout=120)
            assert error is None, error
            ids.append(result.get_response().id)
            outputs.append(result.as_numpy("output"))
        assert ids == [f"{stream}-{t}" for t in range(STEPS)]
        np.testing.assert_array_equal(np.stack(outputs), session.run(xs[stream])[0], err_msg=f"stream {stream}")
    for connection in clients:
        connection.stop_stream()
        connection.close()
    calls = server.metric("snn_step_batch_size_count", model="onnx_step") - calls_before
    assert 0 < calls <= STREAMS * STEPS
    assert server.metric("snn_live_sequences", model="onnx_step") == 0


def test_one_stream_carries_many_sequences(server, paths):
    """Eight sequences interleaved on one stream, some with string ids: each one's answers in
    its order, with their request ids, equal to its own run."""
    session = runtime.load(paths["step"])
    xs = [_inputs((12, 1 + s % 2, FEATURES), seed=300 + s) * 2 for s in range(8)]
    results: "queue.Queue[Result]" = queue.Queue()
    connection = _stream_client(server, results)
    for t in range(12):
        for s, x in enumerate(xs):
            connection.async_stream_infer(
                "onnx_step",
                [_input(x[t])],
                request_id=f"{s}/{t}",
                sequence_id=f"many-{s}" if s % 2 else 900 + s,
                sequence_start=t == 0,
                sequence_end=t == 11,
            )
    order: Dict[int, List[int]] = {}
    answers = {}
    for _ in range(12 * len(xs)):
        result, error = results.get(timeout=120)
        assert error is None, error
        s, t = map(int, result.get_response().id.split("/"))
        order.setdefault(s, []).append(t)
        answers[s, t] = result.as_numpy("output")
    connection.stop_stream()
    connection.close()
    for s, x in enumerate(xs):
        assert order[s] == list(range(12))
        np.testing.assert_array_equal(np.stack([answers[s, t] for t in range(12)]), session.run(x)[0])


def test_a_broken_stream_leaves_its_sequence_live(server, paths):
    """A stream cancelled mid-sequence: the sequence goes on from the same state over unary
    gRPC and then over REST (both halves share the server's sequences)."""
    session = runtime.load(paths["step"])
    x = _inputs((6, 1, FEATURES), seed=21) * 2
    results: "queue.Queue[Result]" = queue.Queue()
    connection = _stream_client(server, results)
    for t in range(3):
        connection.async_stream_infer(
            "onnx_step", [_input(x[t])], request_id=str(t), sequence_id="broken", sequence_start=t == 0
        )
    answers = _collect(results, 3)
    connection.stop_stream(cancel_requests=True)
    connection.close()
    with triton.InferenceServerClient(server.grpc_url) as unary:
        answers["3"] = unary.infer("onnx_step", [_input(x[3])], sequence_id="broken").as_numpy("output")
        answers["4"] = unary.infer("onnx_step", [_input(x[4])], sequence_id="broken").as_numpy("output")
    status, body = server.post("/v2/models/onnx_step/infer", infer_body(x[5], sequence_id="broken", sequence_end=True))
    assert status == 200, body
    answers["5"] = np.asarray(body["outputs"][0]["data"], np.float32).reshape(1, 3)
    np.testing.assert_array_equal(np.stack([answers[str(t)] for t in range(6)]), session.run(x)[0])


def _typed(model: str, shape, values, datatype: str = "FP32", **parameters) -> service_pb2.ModelInferRequest:
    request = service_pb2.ModelInferRequest(model_name=model)
    tensor = request.inputs.add(name="input", datatype=datatype, shape=shape)
    tensor.contents.fp32_contents.extend(values)
    for key, value in parameters.items():
        if isinstance(value, bool):
            request.parameters[key].bool_param = value
        elif isinstance(value, int):
            request.parameters[key].int64_param = value
        else:
            request.parameters[key].string_param = value
    return request


def _raw(model: str, x: np.ndarray, datatype: str = "FP32", name: str = "input", **parameters):
    request = _typed(model, x.shape, [], datatype, **parameters)
    request.inputs[0].name = name
    request.inputs[0].ClearField("contents")
    request.raw_input_contents.append(x.tobytes())
    return request


ONE = np.ones((1, FEATURES), np.float32)


def _short_raw() -> service_pb2.ModelInferRequest:
    request = _raw("onnx_step", ONE)
    request.raw_input_contents[0] = ONE.tobytes()[:12]
    return request


INVALID = grpc.StatusCode.INVALID_ARGUMENT
# The bad requests of test_serve.py over gRPC (serialized messages), with the code and message.
BAD_REQUESTS = {
    "unknown model": (_raw("nope", ONE), grpc.StatusCode.NOT_FOUND, "unknown model 'nope'"),
    "wrong shape": (_raw("onnx_step", np.ones((1, FEATURES + 1), np.float32)), INVALID, "expected shape"),
    "wrong dtype": (_raw("onnx_step", np.ones((1, FEATURES)), "FP64"), INVALID, "expected datatype FP32"),
    "wrong name": (_raw("onnx_step", ONE, name="x"), INVALID, "one input 'input'"),
    "data count": (_typed("onnx_step", [1, FEATURES], [1.0]), INVALID, "needs 5 values"),
    "raw size": (_short_raw(), INVALID, "raw_input_contents holds 12 bytes, shape [1, 5] of FP32 needs 20"),
    "unknown datatype": (_raw("onnx_step", ONE, "FLOAT"), INVALID, "datatype 'FLOAT' is not one of"),
    "unknown sequence": (_raw("onnx_step", ONE, sequence_id=987654), INVALID, "sequence 987654 is not live"),
    "end without start": (_raw("onnx_step", ONE, sequence_id=55, sequence_end=True), INVALID, "sequence_start"),
    "start without id": (_raw("onnx_step", ONE, sequence_start=True), INVALID, "need a non-zero sequence_id"),
    "flag not a bool": (_raw("onnx_step", ONE, sequence_id=5, sequence_start=1), INVALID, "true or false, got 1"),
    "negative id": (_raw("onnx_step", ONE, sequence_id=-3), INVALID, "an integer in [0, 2**64) or a string"),
    "sequence length": (
        _raw("whole", np.ones((3, 1, FEATURES), np.float32)),
        INVALID,
        "the length 3 is not a multiple of T=4",
    ),
}


def _wrapping_shape() -> service_pb2.ModelInferRequest:
    """[2**32, 2**32]: an element count that wraps to 0 in int64 products, with no bytes."""
    request = _raw("onnx_step", ONE)
    request.inputs[0].ClearField("shape")
    request.inputs[0].shape.extend([2**32, 2**32])
    request.raw_input_contents[0] = b""
    return request


def _typed_non_finite(value: float) -> service_pb2.ModelInferRequest:
    return _typed("onnx_step", [1, FEATURES], [value] * FEATURES)


BAD_REQUESTS.update(
    {
        "wrapping shape": (_wrapping_shape(), grpc.StatusCode.RESOURCE_EXHAUSTED, "--max-request-elements"),
        "infinite value": (_typed_non_finite(float("inf")), INVALID, "FP32 values must be finite"),
        "NaN value": (_typed_non_finite(float("nan")), INVALID, "FP32 values must be finite"),
    }
)


def _good_request(client) -> None:
    assert client.infer("whole", [_input(np.ones((4, 1, FEATURES), np.float32))]).as_numpy("output").shape == (4, 1, 3)


@pytest.mark.parametrize("bad", sorted(BAD_REQUESTS))
def test_bad_request_answers_status_code_and_server_goes_on(server, client, stub, bad):
    request, code, message = BAD_REQUESTS[bad]
    model = request.model_name if request.model_name != "nope" else ""
    http_status = {grpc.StatusCode.NOT_FOUND: "404", INVALID: "400", grpc.StatusCode.RESOURCE_EXHAUSTED: "413"}[code]
    errors_before = server.metric("snn_infer_errors_total", model=model, status=http_status)
    with pytest.raises(grpc.RpcError) as error:
        stub.ModelInfer(request)
    assert error.value.code() == code and message in error.value.details(), error.value
    assert server.metric("snn_infer_errors_total", model=model, status=http_status) == errors_before + 1
    _good_request(client)


def test_malformed_message_and_bad_request_in_a_stream(server, client, paths):
    """Bytes that are no ModelInferRequest get INVALID_ARGUMENT; a bad request in a stream is
    answered in the stream with its request id, and the stream goes on."""
    with grpc.insecure_channel(server.grpc_url) as channel:
        infer = channel.unary_unary("/inference.GRPCInferenceService/ModelInfer")
        with pytest.raises(grpc.RpcError) as error:
            infer(b"\xff\xff\xff")
    assert error.value.code() == INVALID and "malformed ModelInferRequest" in error.value.details()
    results: "queue.Queue[Result]" = queue.Queue()
    connection = _stream_client(server, results)
    connection.async_stream_infer("onnx_step", [_input(np.ones((1, FEATURES + 1), np.float32))], request_id="bad")
    connection.async_stream_infer("onnx_step", [_input(ONE)], request_id="good")
    answers = [results.get(timeout=60) for _ in range(2)]
    connection.stop_stream()
    connection.close()
    errors = [error for result, error in answers if error is not None]
    assert len(errors) == 1 and "expected shape" in errors[0].message()
    good = [result for result, error in answers if error is None]
    assert good[0].get_response().id == "good"
    np.testing.assert_array_equal(good[0].as_numpy("output"), runtime.load(paths["step"]).run(ONE[None])[0][0])


def test_sequence_limit_is_unavailable_and_port_options(paths, capsys):
    process = ServerProcess([paths["step"]], "--max-sequences", "1", "--sequence-timeout", "600", block_torch=True)
    try:
        with triton.InferenceServerClient(process.grpc_url) as connection:
            connection.infer("onnx_step", [_input(ONE)], sequence_id=1, sequence_start=True)
            with pytest.raises(InferenceServerException) as error:
                connection.infer("onnx_step", [_input(ONE)], sequence_id=2, sequence_start=True)
            assert error.value.status() == "StatusCode.UNAVAILABLE"
            assert "too many live sequences (1)" in error.value.message()
            taken = process.grpc_port
    finally:
        assert process.stop()[0]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(RuntimeError, match="cannot listen on 127.0.0.1:"):
            ServerProcess([paths["step"]], "--grpc-port", str(busy.getsockname()[1]), block_torch=True)
    rest_only = ServerProcess([paths["step"]], "--no-grpc", "--grpc-port", str(taken))
    try:
        with pytest.raises(InferenceServerException):
            triton.InferenceServerClient(f"127.0.0.1:{taken}").is_server_live(client_timeout=2)
    finally:
        assert rest_only.stop()[0]
    assert main(["serve", paths["step"], "--grpc-port", "70000"]) == 1
    assert "grpc_port: got 70000" in capsys.readouterr().err


def test_sigterm_during_load_over_both_halves_answers_every_accepted_request(paths):
    """REST clients, unary gRPC clients and gRPC streams keep sending while the server gets
    SIGTERM: every request it accepted was answered (its final log line counts them, and the
    clients got that many answers), and it exits cleanly."""
    import http.client
    import json

    process = ServerProcess([paths["step"]], block_torch=True)
    answered: Dict[str, int] = {}
    started, lock = threading.Event(), threading.Lock()

    def count(name: str) -> None:
        with lock:
            answered[name] = answered.get(name, 0) + 1
            if sum(answered.values()) > 300:
                started.set()

    def rest(stream: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", process.port, timeout=60)
        try:
            for t in range(100000):
                body = json.dumps(infer_body(ONE, sequence_id=stream + 1, sequence_start=t == 0)).encode()
                connection.request("POST", "/v2/models/onnx_step/infer", body)
                response = connection.getresponse()
                response.read()
                assert response.status == 200
                count(f"rest-{stream}")
        except (ConnectionError, http.client.HTTPException, OSError):
            return

    def unary(stream: int) -> None:
        with triton.InferenceServerClient(process.grpc_url) as connection:
            try:
                for t in range(100000):
                    connection.infer("onnx_step", [_input(ONE)], sequence_id=100 + stream, sequence_start=t == 0)
                    count(f"unary-{stream}")
            except InferenceServerException:
                return

    def stream(stream: int) -> None:
        results: "queue.Queue[Result]" = queue.Queue()
        connection = _stream_client(process, results)
        for t in range(100000):
            try:
                connection.async_stream_infer(
                    "onnx_step", [_input(ONE)], sequence_id=200 + stream, sequence_start=t == 0
                )
            except InferenceServerException:  # the stream ended (the server drained it)
                break
            result, error = results.get(timeout=60)
            if error is not None:
                break
            count(f"stream-{stream}")
        connection.stop_stream()
        connection.close()

    threads = [threading.Thread(target=drive, args=(i,)) for drive in (rest, unary, stream) for i in range(3)]
    for thread in threads:
        thread.start()
    assert started.wait(120)
    time.sleep(0.2)
    clean, logs = process.stop()
    for thread in threads:
        thread.join(60)
    stopped = [entry for entry in logs if entry["message"] == "stopped"]
    assert clean and len(stopped) == 1
    assert all(any(name.startswith(kind) for name in answered) for kind in ("rest", "unary", "stream"))
    assert stopped[0]["accepted"] == stopped[0]["answered"] == sum(answered.values())
