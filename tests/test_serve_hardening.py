"""``snn-deploy serve`` against malformed, oversized, slow and vanishing clients, over loopback:
every refusal the protocol's ``{"error": ...}`` with a 4xx, no 500, and a reference stream that
keeps its outputs bit for bit (issue 22's server cases)."""

import json
import threading
from typing import Dict, List

import numpy as np
import pytest
from runtime_models import FEATURES
from serve_helpers import Connection, closed_by_server, half_sent, infer_body

from snn_deploy import runtime
from snn_deploy.cli import main
from snn_deploy.serve.json_scan import MAX_DEPTH
from snn_deploy.serve.limits import HEADER_ALLOWANCE, JSON_BYTES_PER_VALUE, Limits
from snn_deploy.serve.process import ServerProcess
from snn_deploy.serve.protocol import HEADER_LENGTH

URL = "/v2/models/onnx_step/infer"
MAX_SEQUENCE_BATCH = 8


@pytest.fixture(scope="module")
def step_path(artifacts):
    return str(artifacts.path("onnx", "step"))


@pytest.fixture(scope="module")
def server(step_path):
    """Default limits but for the sequence batch."""
    process = ServerProcess([step_path], "--max-sequence-batch", str(MAX_SEQUENCE_BATCH), block_torch=True)
    yield process
    clean, logs = process.stop()
    assert clean
    assert not [entry for entry in logs if "exception" in entry or entry["level"] == "error"]


def _tensor(shape, data, datatype="FP32", **extra):
    return {"inputs": [{"name": "input", "shape": shape, "datatype": datatype, "data": data, **extra}]}


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"1" + b"]" * depth


DEEP = {
    "body 1,000 deep": _nested(1000),
    "body 100,000 deep": _nested(100_000),
    "data 1,000 deep": b'{"inputs": [{"name": "input", "shape": [1], "datatype": "FP32", "data": '
    + _nested(1000)
    + b"}]}",
    "parameters 100,000 deep": b'{"inputs": [], "parameters": {"p": ' + _nested(100_000) + b"}}",
}
TOO_MANY = {
    "10**20": [10**20],
    "10**400": b'{"inputs": [{"name": "input", "shape": [1' + b"0" * 400 + b'], "datatype": "FP32", "data": [1]}]}',
    "[2**32, 2**32] (wraps to 0 in int64)": [2**32, 2**32],
    "[2**62+1, 4] (wraps to 4 in int64)": [2**62 + 1, 4],
    "[65536, 65536] (each under the limit)": [65536, 65536],
}
MALFORMED = {  # body, the message's telling part
    "bool as a size": (_tensor([True, FEATURES], [1.0] * FEATURES), "'shape' must be a list of at most 16"),
    "nulls": (_tensor([1, FEATURES], [None] * FEATURES), "FP32 data must be numbers, got null"),
    "numeric strings": (_tensor([1, FEATURES], ["1.0"] * FEATURES), 'FP32 data must be numbers, got "1.0"'),
    "nested (1,1,1,5) for [1, 5]": (
        _tensor([1, FEATURES], [[[[1.0] * FEATURES]]]),
        "'data' is nested unlike shape [1, 5]",
    ),
    "nested [5, 1] for [1, 5]": (_tensor([1, FEATURES], [[1.0]] * FEATURES), "axis 0 needs arrays of 1"),
    "INT32 2**40": (_tensor([1], [2**40], "INT32"), "INT32 values must lie in [-2147483648, 2147483647]"),
    "INT8 1.5": (_tensor([1], [1.5], "INT8"), "INT8 data must be integers, got 1.5"),
    "FP32 1e39": (_tensor([1], [1e39]), "FP32 values must be finite in FP32"),
    "FP32 10**400": (
        b'{"inputs": [{"name": "input", "shape": [1], "datatype": "FP32", "data": [1' + b"0" * 400 + b"]}]}",
        "FP32 values must be finite",
    ),
    "NaN literal": (
        b'{"inputs": [{"name": "input", "shape": [1, 5], "datatype": "FP32", "data": [NaN, 1, 1, 1, 1]}]}',
        "NaN is not a JSON value",
    ),
    "true as FP32": (_tensor([1], [True]), "FP32 data must be numbers, got true"),
    "binary_data_size true": (
        {"inputs": [{"name": "input", "shape": [1], "datatype": "FP32", "parameters": {"binary_data_size": True}}]},
        "binary_data_size true does not match",
    ),
    "binary_data as a string": (
        {
            **_tensor([1, FEATURES], [1.0] * FEATURES),
            "outputs": [{"name": "output", "parameters": {"binary_data": "no"}}],
        },
        "parameter binary_data must be true or false",
    ),
    "sequence_id 2**64": (
        infer_body(np.ones((1, FEATURES), np.float32), sequence_id=2**64, sequence_start=True),
        "sequence_id must be an integer in [0, 2**64)",
    ),
    "not UTF-8": (b'{"inputs": "\xff"}', "malformed JSON"),
}


def _post(server, body, headers=None):
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    connection = Connection(server.port)
    try:
        return connection.post(URL, payload, headers)
    finally:
        connection.close()


def _refused(server, body, status, message, headers=None):
    answer = _post(server, body, headers)
    assert answer[0] == status and message in answer[1]["error"], answer


def _reference_steps(server, connection: Connection, x: np.ndarray, sequence_id: str) -> np.ndarray:
    return np.stack(
        [
            connection.step(
                "onnx_step", x_t, sequence_id=sequence_id, sequence_start=t == 0, sequence_end=t == len(x) - 1
            )
            for t, x_t in enumerate(x)
        ]
    )


@pytest.mark.parametrize("case", sorted(DEEP))
def test_deep_nesting_is_400(server, case):
    _refused(server, DEEP[case], 400, f"at most {MAX_DEPTH} are accepted")


@pytest.mark.parametrize("case", sorted(TOO_MANY))
def test_shapes_over_the_element_limit_are_413_json_and_binary(server, case):
    shape = TOO_MANY[case]
    body = shape if isinstance(shape, bytes) else _tensor(shape, [1.0])
    _refused(server, body, 413, "--max-request-elements")
    if isinstance(shape, list):  # the binary extension: same shape, binary_data_size of 4 bytes
        header = json.dumps(
            {"inputs": [{"name": "input", "shape": shape, "datatype": "FP32", "parameters": {"binary_data_size": 4}}]}
        ).encode()
        _refused(server, header + b"\0" * 4, 413, "--max-request-elements", {HEADER_LENGTH: str(len(header))})


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_values_are_400(server, case):
    body, message = MALFORMED[case]
    _refused(server, body, 400, message)


def test_binary_extension_bool_size_and_bytes_are_400(server):
    x = np.ones((1, FEATURES), np.float32)
    header = json.dumps(
        {
            "inputs": [
                {"name": "input", "shape": [True, FEATURES], "datatype": "FP32", "parameters": {"binary_data_size": 20}}
            ]
        }
    ).encode()
    _refused(server, header + x.tobytes(), 400, "'shape' must be a list", {HEADER_LENGTH: str(len(header))})
    flags = json.dumps(
        {"inputs": [{"name": "input", "shape": [2], "datatype": "BOOL", "parameters": {"binary_data_size": 2}}]}
    ).encode()
    _refused(server, flags + b"\x01\x07", 400, "BOOL bytes must be 0 or 1", {HEADER_LENGTH: str(len(flags))})


def test_no_refusal_was_a_500_and_a_stream_is_unchanged(server, step_path):
    """Runs after the cases above (file order): none of them counted a 5xx."""
    x = np.random.default_rng(1).uniform(0, 2, (6, 1, FEATURES)).astype(np.float32)
    connection = Connection(server.port)
    outputs = _reference_steps(server, connection, x, "unchanged")
    connection.close()
    np.testing.assert_array_equal(outputs, runtime.load(step_path).run(x)[0])
    for status in ("500", "503"):
        assert server.metric("snn_infer_errors_total", model="onnx_step", status=status) == 0


def test_sequence_batch_limit(server):
    wide = np.ones((MAX_SEQUENCE_BATCH + 1, FEATURES), np.float32)
    status, body = server.post(URL, infer_body(wide, sequence_id="wide", sequence_start=True))
    assert status == 400 and f"more than the {MAX_SEQUENCE_BATCH} samples" in body["error"]
    assert "--max-sequence-batch" in body["error"]
    assert server.post(URL, infer_body(wide))[0] == 200  # stateless: no state held, no limit
    at_limit = infer_body(wide[:MAX_SEQUENCE_BATCH], sequence_id="wide", sequence_start=True, sequence_end=True)
    assert server.post(URL, at_limit)[0] == 200


def test_default_body_limit_fits_the_element_limit():
    limits = Limits()
    assert limits.body_bytes == limits.elements * JSON_BYTES_PER_VALUE + HEADER_ALLOWANCE
    assert Limits(max_request_elements=10).body_bytes == 10 * 26 + 2**20
    assert Limits(max_body_bytes=1000).body_bytes == 1000
    with pytest.raises(ValueError, match="max_sequence_batch: got True"):
        Limits(max_sequence_batch=True)


@pytest.mark.parametrize("chunked", [False, True])
def test_100_mb_body_is_413_while_another_stream_steps(server, step_path, chunked):
    """A 100 MB upload (declared, or chunked without a length) gets 413; while it is in flight,
    between its first and last megabyte, another stream runs its 6 steps and gets its outputs."""
    prefix = b'{"inputs": [{"name": "input", "shape": [1, 5], "datatype": "FP32", "data": ['
    megabyte, total = b"1.0, " * (2**20 // 5), 100
    x = np.random.default_rng(2).uniform(0, 2, (6, 1, FEATURES)).astype(np.float32)
    during: Dict[str, np.ndarray] = {}

    def upload():
        yield prefix
        for chunk in range(total):
            if chunk == 1:
                connection = Connection(server.port)
                during["outputs"] = _reference_steps(server, connection, x, f"during-{chunked}")
                connection.close()
            yield megabyte

    size = len(prefix) + total * len(megabyte)
    headers = {"Content-Type": "application/json"}
    if not chunked:
        headers["Content-Length"] = str(size)
    connection = Connection(server.port, timeout=120)
    if chunked:
        connection.http.request("POST", URL, upload(), headers, encode_chunked=True)
        response = connection.http.getresponse()
        status, body = response.status, json.loads(response.read())
    else:
        status, body = connection.post(URL, upload(), headers)
    assert status == 413 and "--max-body-bytes" in body["error"], body
    assert str(Limits().body_bytes) in body["error"]
    np.testing.assert_array_equal(during["outputs"], runtime.load(step_path).run(x)[0])
    step = np.ones((1, FEATURES), np.float32)
    connection.http.close()
    assert server.post(URL, infer_body(step))[0] == 200


@pytest.fixture(scope="module")
def slow_server(step_path):
    """A 1 s request timeout."""
    return ServerProcess([step_path], "--request-timeout", "1", block_torch=True)


def test_half_sent_requests_are_closed_within_the_timeout(slow_server, step_path):
    """200 connections that stop mid-headers, mid-body or before their first byte are all closed
    by the server (1 s timeout; each waited on for 20 s at most); streams go on meanwhile."""
    headers = f"POST {URL} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n".encode()
    partial = {
        "mid-headers": headers[:40],
        "mid-body": headers + b"Content-Length: 1000\r\n\r\n" + b'{"inputs": [',
        "nothing sent": b"",
        "body dripping": headers + b"Content-Length: 100\r\n\r\n",
    }
    sockets: List = [half_sent(slow_server.port, partial[kind]) for kind in partial for _ in range(50)]
    drip = sockets[150:]
    for _ in range(3):  # bytes keep coming, but the request never completes: the clock is not reset
        for sock in drip:
            sock.sendall(b" ")
        threading.Event().wait(0.5)
    connection = Connection(slow_server.port)
    x = np.random.default_rng(3).uniform(0, 2, (4, 1, FEATURES)).astype(np.float32)
    outputs = np.stack(
        [connection.step("onnx_step", x_t, sequence_id=1, sequence_start=t == 0) for t, x_t in enumerate(x)]
    )
    connection.close()
    np.testing.assert_array_equal(outputs, runtime.load(step_path).run(x)[0])
    still_open = [index for index, sock in enumerate(sockets) if not closed_by_server(sock, 20)]
    assert not still_open, f"{len(still_open)} half-sent connections were not closed"
    assert slow_server.metric("snn_closed_connections_total", reason="request timeout") == 200
    assert slow_server.metric("snn_client_disconnects_total", model="onnx_step") == 100  # mid-body, dripping
    assert slow_server.metric("snn_infer_errors_total", model="onnx_step", status="500") == 0


def test_client_disconnect_mid_body_is_logged_at_info_without_traceback(slow_server):
    before = slow_server.metric("snn_client_disconnects_total", model="onnx_step")
    sock = half_sent(slow_server.port, f"POST {URL} HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{{".encode())
    threading.Event().wait(0.3)
    sock.close()
    for _ in range(100):
        if slow_server.metric("snn_client_disconnects_total", model="onnx_step") == before + 1:
            break
        threading.Event().wait(0.05)
    assert slow_server.metric("snn_client_disconnects_total", model="onnx_step") == before + 1
    assert slow_server.metric("snn_infer_errors_total", model="onnx_step", status="500") == 0
    clean, logs = slow_server.stop()
    assert clean
    disconnects = [entry for entry in logs if entry["message"] == "client disconnected before its request arrived"]
    assert len(disconnects) == before + 1 and {entry["level"] for entry in disconnects} == {"info"}
    assert not [entry for entry in logs if "exception" in entry or entry["level"] in ("error", "critical")]


def test_connections_over_the_limit_are_closed_on_arrival(step_path):
    process = ServerProcess([step_path], "--max-connections", "20", block_torch=True)
    try:
        held = [half_sent(process.port, b"") for _ in range(20)]
        extra = [half_sent(process.port, b"") for _ in range(3)]
        assert all(closed_by_server(sock, 10) for sock in extra)
        for sock in held:
            sock.close()
        for _ in range(100):  # the server notices the 20 closed connections
            try:
                if process.metric("snn_closed_connections_total", reason="connection limit") == 3:
                    break
            except OSError:
                pass
            threading.Event().wait(0.05)
        assert process.metric("snn_closed_connections_total", reason="connection limit") == 3
        assert process.post(URL, infer_body(np.ones((1, FEATURES), np.float32)))[0] == 200
    finally:
        assert process.stop()[0]


def test_a_large_legal_body_is_parsed_off_the_loop_and_answered(server, step_path):
    """A 1 MB JSON body (over the 256 KiB parsed inline) runs like any other request."""
    x = np.random.default_rng(4).uniform(0, 2, (2, 25_000, FEATURES)).astype(np.float32)
    body = json.dumps(infer_body(x)).encode()
    assert len(body) > 256 * 1024
    status, answer = _post(server, body)
    assert status == 200, answer
    output = np.asarray(answer["outputs"][0]["data"], np.float32).reshape(answer["outputs"][0]["shape"])
    np.testing.assert_array_equal(output, runtime.load(step_path).run(x)[0])


@pytest.mark.parametrize("option", ["--max-request-elements", "--max-body-bytes", "--max-sequence-batch"])
def test_limit_options_must_be_positive(step_path, option, capsys):
    assert main(["serve", step_path, option, "0"]) == 1
    assert f"{option[2:].replace('-', '_')}: got 0, expected a positive value" in capsys.readouterr().err
