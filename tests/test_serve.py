"""``snn-deploy serve``: a real server process on 127.0.0.1, driven by ``tritonclient.http`` and plain HTTP.

The reference for every answer is :meth:`snn_deploy.runtime.Session.run` on the same artifact in
this process: whole sequences, and each stream run alone at batch 1.
"""

import http.client
import json
import threading
from typing import List

import numpy as np
import pytest
import tritonclient.http as triton
from runtime_models import FEATURES
from serve_helpers import infer_body

from snn_deploy import runtime
from snn_deploy.cli import main
from snn_deploy.serve.process import ServerProcess
from snn_deploy.serve.protocol import HEADER_LENGTH, decode_response, encode_request

STREAMS, STEPS = 64, 100


@pytest.fixture(scope="module")
def paths(artifacts):
    return {"step": str(artifacts.path("onnx", "step")), "sequence": str(artifacts.path("onnx", "sequence"))}


@pytest.fixture(scope="module")
def server(paths):
    process = ServerProcess([paths["step"], f"whole={paths['sequence']}"], "--max-sequences", "100", block_torch=True)
    yield process
    clean, logs = process.stop()
    assert clean and [entry["message"] for entry in logs].count("stopped") == 1


@pytest.fixture(scope="module")
def client(server):
    with triton.InferenceServerClient(server.url) as connection:
        yield connection


def _input(x: np.ndarray) -> triton.InferInput:
    tensor = triton.InferInput("input", list(x.shape), "FP32")
    tensor.set_data_from_numpy(x)
    return tensor


def _inputs(shape, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 1, shape).astype(np.float32)


def test_health_and_metadata(server, client, paths):
    assert client.is_server_live() and client.is_server_ready()
    assert client.is_model_ready("onnx_step") and client.is_model_ready("whole")
    metadata = client.get_model_metadata("onnx_step")
    assert metadata["inputs"] == [{"name": "input", "datatype": "FP32", "shape": [-1, FEATURES]}]
    assert metadata["outputs"] == [{"name": "output", "datatype": "FP32", "shape": [-1, 3]}]
    assert metadata["parameters"]["mode"] == "step" and metadata["parameters"]["state"] == ["1.v", "1.i", "3.v", "3.i"]
    whole = client.get_model_metadata("whole")
    time_steps = runtime.load(paths["sequence"]).time_steps
    assert whole["inputs"][0]["shape"] == [time_steps, -1, FEATURES]
    assert whole["parameters"]["mode"] == "sequence"
    assert server.get("/v2/models/whole/versions/1/ready") == (200, {"name": "whole", "ready": True})


@pytest.mark.parametrize("model, length", [("whole", 8), ("onnx_step", 7)])
def test_whole_sequence_equals_session_run(client, paths, model, length):
    """A (T, B, ...) request without sequence parameters: the output sequence of Session.run."""
    session = runtime.load(paths["sequence" if model == "whole" else "step"])
    x = _inputs((length, 3, FEATURES), seed=length) * 2
    expected, _ = session.run(x)
    result = client.infer(model, [_input(x)])  # binary tensors both ways
    np.testing.assert_array_equal(result.as_numpy("output"), expected)
    assert expected.any()
    json_result = client.infer(model, [_input(x)], outputs=[triton.InferRequestedOutput("output", binary_data=False)])
    np.testing.assert_array_equal(json_result.as_numpy("output"), expected)


def test_concurrent_streams_equal_serial_runs(server, paths):
    """64 streams of 100 single steps at once, each its own sequence: batched by the server, and
    every output equal bit for bit to running that stream alone at batch 1."""
    session = runtime.load(paths["step"])
    xs = [_inputs((STEPS, 1, FEATURES), seed=100 + stream) * 1.5 for stream in range(STREAMS)]
    outputs: List[List[np.ndarray]] = [[] for _ in range(STREAMS)]
    calls_before = server.metric("snn_step_batch_size_count", model="onnx_step")
    errors = []

    def drive(stream: int) -> None:
        try:
            with triton.InferenceServerClient(server.url) as connection:
                for t in range(STEPS):
                    result = connection.infer(
                        "onnx_step",
                        [_input(xs[stream][t])],
                        sequence_id=stream + 1,
                        sequence_start=t == 0,
                        sequence_end=t == STEPS - 1,
                    )
                    outputs[stream].append(result.as_numpy("output"))
        except Exception as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=drive, args=(stream,)) for stream in range(STREAMS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    for stream in range(STREAMS):
        expected, _ = session.run(xs[stream])
        np.testing.assert_array_equal(np.stack(outputs[stream]), expected, err_msg=f"stream {stream}")
    assert sum(np.stack(o).sum() for o in outputs) > 0
    calls = server.metric("snn_step_batch_size_count", model="onnx_step") - calls_before
    assert calls < STREAMS * STEPS, "no two steps were batched together"
    assert server.metric("snn_live_sequences", model="onnx_step") == 0
    assert server.metric("snn_infer_latency_seconds_count", model="onnx_step") >= STREAMS * STEPS


def test_streams_of_different_batch_sizes_batch_together_exactly(server, paths):
    """Concurrent streams of 1, 2 and 3 samples: state rows of different counts gathered into one
    call and scattered back; each stream equals its own run."""
    session = runtime.load(paths["step"])
    xs = [_inputs((20, 1 + stream % 3, FEATURES), seed=500 + stream) * 1.5 for stream in range(12)]
    outputs: List[List[np.ndarray]] = [[] for _ in xs]

    def drive(stream: int) -> None:
        with triton.InferenceServerClient(server.url) as connection:
            for t, x_t in enumerate(xs[stream]):
                result = connection.infer(
                    "onnx_step",
                    [_input(x_t)],
                    sequence_id=f"mixed-{stream}",
                    sequence_start=t == 0,
                    sequence_end=t == 19,
                )
                outputs[stream].append(result.as_numpy("output"))

    threads = [threading.Thread(target=drive, args=(stream,)) for stream in range(len(xs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for stream, x in enumerate(xs):
        np.testing.assert_array_equal(np.stack(outputs[stream]), session.run(x)[0], err_msg=f"stream {stream}")


def test_a_few_steps_per_request_and_state_carried(server, paths):
    """A stream fed 3 steps, then 1, then 2 per request equals one run of all 6 steps."""
    session = runtime.load(paths["step"])
    x = _inputs((6, 2, FEATURES), seed=7) * 2
    pieces, outputs = [x[:3], x[3], x[4:]], []
    for i, piece in enumerate(pieces):
        status, body = server.post(
            "/v2/models/onnx_step/infer",
            infer_body(piece, sequence_id="text-id", sequence_start=i == 0, sequence_end=i == 2),
        )
        assert status == 200, body
        out = body["outputs"][0]
        outputs.append(np.asarray(out["data"], np.float32).reshape(out["shape"]))
    expected, _ = session.run(x)
    np.testing.assert_array_equal(np.concatenate([outputs[0], outputs[1][None], outputs[2]]), expected)


def test_sequence_artifact_carries_state_across_requests(server, paths):
    """On a sequence artifact (T=4) a stateful stream sends T steps per request."""
    x = _inputs((12, 1, FEATURES), seed=11) * 2
    outputs = []
    for i in range(3):
        parameters = {"sequence_id": 77, "sequence_start": i == 0, "sequence_end": i == 2}
        status, body = server.post("/v2/models/whole/infer", infer_body(x[4 * i : 4 * i + 4], **parameters))
        assert status == 200, body
        outputs.append(np.asarray(body["outputs"][0]["data"], np.float32).reshape(4, 1, 3))
    session = runtime.load(paths["sequence"])
    expected, _ = session.run(x)
    np.testing.assert_array_equal(np.concatenate(outputs), expected)
    assert not np.array_equal(session.run(x[4:8])[0], expected[4:8])  # the carried state matters


def _good_request(server) -> None:
    status, body = server.post("/v2/models/whole/infer", infer_body(np.ones((4, 1, FEATURES), np.float32)))
    assert status == 200 and body["outputs"][0]["shape"] == [4, 1, 3]


BAD_REQUESTS = {
    "unknown model": ("nope", infer_body(np.ones((1, FEATURES), np.float32)), 404, "unknown model 'nope'"),
    "wrong shape": ("onnx_step", infer_body(np.ones((1, FEATURES + 1), np.float32)), 400, "expected shape"),
    "wrong dtype": ("onnx_step", infer_body(np.ones((1, FEATURES)), datatype="FP64"), 400, "expected datatype FP32"),
    "wrong name": ("onnx_step", infer_body(np.ones((1, FEATURES), np.float32), name="x"), 400, "one input 'input'"),
    "data count": (
        "onnx_step",
        {"inputs": [{"name": "input", "shape": [1, FEATURES], "datatype": "FP32", "data": [1.0]}]},
        400,
        "needs 5 values",
    ),
    "malformed JSON": ("onnx_step", b'{"inputs": [', 400, "malformed JSON"),
    "not an object": ("onnx_step", b"[1, 2]", 400, "must be a JSON object"),
    "unknown sequence": (
        "onnx_step",
        infer_body(np.ones((1, FEATURES), np.float32), sequence_id=987654),
        400,
        "sequence 987654 is not live",
    ),
    "end without start": (
        "onnx_step",
        infer_body(np.ones((1, FEATURES), np.float32), sequence_id=55, sequence_end=True),
        400,
        "start it with sequence_start",
    ),
    "start without id": (
        "onnx_step",
        infer_body(np.ones((1, FEATURES), np.float32), sequence_start=True),
        400,
        "need a non-zero sequence_id",
    ),
    "sequence length": (
        "whole",
        infer_body(np.ones((3, 1, FEATURES), np.float32)),
        400,
        "the length 3 is not a multiple of T=4",
    ),
}


@pytest.mark.parametrize("bad", sorted(BAD_REQUESTS))
def test_bad_request_answers_protocol_error_and_server_goes_on(server, bad):
    model, payload, status, message = BAD_REQUESTS[bad]
    errors_before = server.metric("snn_infer_errors_total", model=model if model != "nope" else "", status=str(status))
    answer = server.post(f"/v2/models/{model}/infer", payload)
    assert answer[0] == status and message in answer[1]["error"], answer
    assert (
        server.metric("snn_infer_errors_total", model=model if model != "nope" else "", status=str(status))
        == errors_before + 1
    )
    _good_request(server)


def test_batch_size_of_a_sequence_is_fixed(server):
    start = infer_body(np.ones((2, FEATURES), np.float32), sequence_id=4242, sequence_start=True)
    assert server.post("/v2/models/onnx_step/infer", start)[0] == 200
    status, body = server.post(
        "/v2/models/onnx_step/infer", infer_body(np.ones((1, FEATURES), np.float32), sequence_id=4242)
    )
    assert status == 400 and "started with batch 2" in body["error"]
    end = infer_body(np.ones((2, FEATURES), np.float32), sequence_id=4242, sequence_end=True)
    assert server.post("/v2/models/onnx_step/infer", end)[0] == 200


def test_unknown_route_and_model_metadata_errors(server):
    assert server.get("/v2/models/nope")[0] == 404 and "unknown model" in server.get("/v2/models/nope")[1]["error"]
    assert server.get("/v2/models/nope/ready")[0] == 404
    status, body = server.get("/v2/elsewhere")
    assert status == 404 and "error" in body


def test_sequence_limit_answers_503(paths):
    process = ServerProcess([paths["step"]], "--max-sequences", "2", "--sequence-timeout", "600", block_torch=True)
    try:
        step = np.ones((1, FEATURES), np.float32)
        url = "/v2/models/onnx_step/infer"
        assert process.post(url, infer_body(step, sequence_id=1, sequence_start=True))[0] == 200
        assert process.post(url, infer_body(step, sequence_id=2, sequence_start=True))[0] == 200
        status, body = process.post(url, infer_body(step, sequence_id=3, sequence_start=True))
        assert status == 503 and "too many live sequences (2)" in body["error"]
        assert process.post(url, infer_body(step, sequence_id=1))[0] == 200
        assert process.post(url, infer_body(step, sequence_id=2, sequence_end=True))[0] == 200
        assert process.post(url, infer_body(step, sequence_id=3, sequence_start=True))[0] == 200
        assert process.metric("snn_live_sequences", model="onnx_step") == 2
    finally:
        assert process.stop()[0]


def test_idle_sequence_is_evicted(paths):
    process = ServerProcess([paths["step"]], "--sequence-timeout", "0.2", block_torch=True)
    try:
        step = np.ones((1, FEATURES), np.float32)
        url = "/v2/models/onnx_step/infer"
        assert process.post(url, infer_body(step, sequence_id=9, sequence_start=True))[0] == 200
        for _ in range(300):  # the evictor runs every 0.05 s here; wait for it, at most 30 s
            if process.metric("snn_sequence_evictions_total", model="onnx_step") == 1:
                break
            threading.Event().wait(0.1)
        assert process.metric("snn_live_sequences", model="onnx_step") == 0
        status, body = process.post(url, infer_body(step, sequence_id=9))
        assert status == 400 and "evicted after 0.2 s idle" in body["error"]
    finally:
        clean, logs = process.stop()
    assert clean
    assert any(entry["message"] == "evicted idle sequences" and entry["sequences"] == [9] for entry in logs)


def test_sigterm_during_load_answers_every_accepted_request(paths):
    """Streams keep sending while the server gets SIGTERM: every request the server accepted was
    answered (its final log line counts them), and it exits cleanly."""
    process = ServerProcess([paths["step"]], block_torch=True)
    answered = [0] * 8
    started = threading.Event()

    def drive(stream: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", process.port, timeout=60)
        step = np.full((1, FEATURES), 0.5, np.float32)
        try:
            for t in range(100000):
                body = json.dumps(infer_body(step, sequence_id=stream + 1, sequence_start=t == 0)).encode()
                connection.request("POST", "/v2/models/onnx_step/infer", body)
                response = connection.getresponse()
                response.read()
                assert response.status == 200
                answered[stream] += 1
                if sum(answered) > 200:
                    started.set()
        except (ConnectionError, http.client.HTTPException, OSError):
            return  # the server closed the connection or stopped listening

    threads = [threading.Thread(target=drive, args=(stream,)) for stream in range(len(answered))]
    for thread in threads:
        thread.start()
    assert started.wait(120)
    clean, logs = process.stop()
    for thread in threads:
        thread.join()
    stopped = [entry for entry in logs if entry["message"] == "stopped"]
    assert clean and len(stopped) == 1
    assert stopped[0]["accepted"] == stopped[0]["answered"] == sum(answered)


def test_serve_command_refuses_archives_and_bad_options(artifacts, capsys):
    assert main(["serve", str(artifacts.path("torchscript", "step"))]) == 1
    assert "ONNX artifacts only" in capsys.readouterr().err
    assert main(["serve", str(artifacts.path("onnx", "step")), "--max-batch-size", "0"]) == 1
    assert "max_batch_size: got 0" in capsys.readouterr().err
    step = str(artifacts.path("onnx", "step"))
    assert main(["serve", step, f"onnx_step={step}"]) == 1
    assert "two artifacts are named 'onnx_step'" in capsys.readouterr().err


def test_binary_tensor_extension_errors_and_round_trip(server, paths):
    """Raw requests with Inference-Header-Content-Length: a good one answers in binary, a size
    that does not match the shape or a header length beyond the body gets 400."""
    x = _inputs((4, 2, FEATURES), seed=3)
    body, headers = encode_request("input", x, "output", {})
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)

    def post(payload: bytes, header_length: str):
        connection.request("POST", "/v2/models/whole/infer", payload, {**headers, HEADER_LENGTH: header_length})
        response = connection.getresponse()
        return response.status, response.read(), response.getheader(HEADER_LENGTH)

    status, answer, length = post(body, headers[HEADER_LENGTH])
    assert status == 200 and length is not None
    expected, _ = runtime.load(paths["sequence"]).run(x)
    np.testing.assert_array_equal(decode_response(answer, length)["output"], expected)
    status, answer, _ = post(body[:-4], headers[HEADER_LENGTH])
    assert status == 400 and "binary_data_size 160" in json.loads(answer)["error"]
    status, answer, _ = post(body, str(len(body) + 1))
    assert status == 400 and "does not fit a body" in json.loads(answer)["error"]
    status, answer, _ = post(body, "x")
    assert status == 400 and "expected an integer" in json.loads(answer)["error"]
    connection.close()
