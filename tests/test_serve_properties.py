"""Property test of the server's request handling (hypothesis): generated bodies, shapes,
datatypes, parameters and binary headers against a live ``snn-deploy serve`` over loopback.
Every answer is a 200 or a 4xx with the protocol's ``{"error": ...}``, never a 5xx, and a
reference stream stepped between the requests equals its run alone, bit for bit."""

import json
import math
from typing import Any, Dict, List, Tuple

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_models import FEATURES
from serve_helpers import Connection

from snn_deploy import runtime
from snn_deploy.serve.process import ServerProcess
from snn_deploy.serve.protocol import DATATYPES, HEADER_LENGTH

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=4),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=10,
)
SIZES = st.one_of(
    st.integers(0, 6),
    st.sampled_from([2**31, 2**32, 2**62 + 1, 2**64, 10**20, -1]),
    st.booleans(),
    st.floats(-2, 8),
    st.none(),
    st.text(max_size=2),
)
SHAPES = st.one_of(
    st.lists(st.integers(1, 3), min_size=1, max_size=3),
    st.builds(lambda batch: [batch, FEATURES], st.integers(0, 3)),
    st.lists(st.sampled_from([1, FEATURES, 2**16, 2**32, 2**62 + 1, 10**20]), min_size=1, max_size=3),
    st.lists(SIZES, max_size=4),
    JSON_VALUES,
)
DATATYPE_NAMES = st.one_of(st.sampled_from(sorted(DATATYPES)), st.sampled_from(["FP33", "fp32", ""]), SCALARS)
NUMBERS = st.one_of(st.floats(-3, 3, width=32), st.integers(-3, 3))
PARAMETERS = st.dictionaries(
    st.sampled_from(["sequence_id", "sequence_start", "sequence_end", "binary_data_output", "other"]),
    st.one_of(st.integers(0, 5), st.text(max_size=3), SCALARS),
    max_size=4,
)
HEADER_LENGTHS = st.one_of(st.just("exact"), st.integers(-3, 3), st.sampled_from(["x", "", "1e3", "-0", " 7"]))


def _count(shape: Any) -> int:
    fine = isinstance(shape, list) and all(type(size) is int and 0 <= size <= 6 for size in shape)
    return math.prod(shape) if fine else 3


def _nested(values: List[Any], shape: List[int]) -> Any:
    for size in reversed(shape[1:]):
        values = [values[i : i + size] for i in range(0, len(values), size)] if size else []
    return values


@st.composite
def tensors(draw) -> Tuple[Dict[str, Any], bytes]:
    """One input (its JSON) and the binary bytes it brings."""
    shape, kind = draw(SHAPES), draw(DATATYPE_NAMES)
    count = _count(shape)
    tensor: Dict[str, Any] = {"name": draw(st.sampled_from(["input", "input", "x"])), "shape": shape, "datatype": kind}
    form = draw(st.sampled_from(["flat", "nested", "any", "binary", "missing"]))
    values = draw(
        st.lists(st.one_of(NUMBERS, SCALARS) if draw(st.booleans()) else NUMBERS, min_size=count, max_size=count)
    )
    if form == "flat":
        tensor["data"] = values
    elif form == "nested" and isinstance(shape, list) and shape and all(type(size) is int for size in shape):
        tensor["data"] = _nested(values, shape)
    elif form == "any":
        tensor["data"] = draw(JSON_VALUES)
    if form != "binary":
        return tensor, b""
    itemsize = np.dtype(DATATYPES[kind]).itemsize if kind in DATATYPES else 4
    size = draw(st.one_of(st.just(count * itemsize), st.integers(-2, 40), st.booleans(), SCALARS))
    tensor["parameters"] = {"binary_data_size": size}
    exact = type(size) is int and 0 <= size <= 4096
    raw = draw(st.binary(min_size=size, max_size=size)) if exact else draw(st.binary(max_size=16))
    return tensor, raw


@st.composite
def steps(draw) -> Tuple[Dict[str, Any], bytes]:
    """A valid input of the step model: one step of 1 to 3 samples, JSON or binary."""
    batch = draw(st.integers(1, 3))
    values = draw(st.lists(st.floats(-3, 3, width=32), min_size=batch * FEATURES, max_size=batch * FEATURES))
    tensor: Dict[str, Any] = {"name": "input", "shape": [batch, FEATURES], "datatype": "FP32"}
    if draw(st.booleans()):
        return {**tensor, "data": values}, b""
    raw = np.asarray(values, np.float32).tobytes()
    return {**tensor, "parameters": {"binary_data_size": len(raw)}}, raw


@st.composite
def requests(draw) -> Tuple[str, bytes, Dict[str, str]]:
    """A model name, a body and its headers: mostly protocol-shaped, sometimes any bytes."""
    model = draw(st.sampled_from(["onnx_step", "onnx_step", "whole", "nope"]))
    if draw(st.integers(0, 9)) == 0:
        return model, draw(st.one_of(st.binary(max_size=64), st.text(max_size=32).map(str.encode))), {}
    inputs = draw(st.lists(tensors(), max_size=2) | st.lists(steps(), min_size=1, max_size=1))
    request: Dict[str, Any] = {"inputs": [tensor for tensor, _ in inputs]}
    for key, strategy in (
        ("parameters", st.one_of(PARAMETERS, JSON_VALUES)),
        ("outputs", st.lists(st.fixed_dictionaries({"name": st.sampled_from(["output", "y"])}), max_size=2)),
        ("id", SCALARS),
    ):
        if draw(st.booleans()):
            request[key] = draw(strategy)
    header = json.dumps(request).encode()
    binary = b"".join(raw for _, raw in inputs)
    if not binary and draw(st.booleans()):
        return model, header, {}
    length = draw(HEADER_LENGTHS)
    value = str(len(header)) if length == "exact" else str(len(header) + length) if isinstance(length, int) else length
    return model, header + binary, {HEADER_LENGTH: value, "Content-Type": "application/octet-stream"}


@pytest.fixture(scope="module")
def paths(artifacts):
    return {"step": str(artifacts.path("onnx", "step")), "sequence": str(artifacts.path("onnx", "sequence"))}


def test_generated_requests_get_200_or_a_4xx_error_and_a_stream_is_unchanged(paths):
    server = ServerProcess([paths["step"], f"whole={paths['sequence']}"], block_torch=True)
    client, reference = Connection(server.port), Connection(server.port)
    rng = np.random.default_rng(0)
    inputs: List[np.ndarray] = []
    outputs: List[np.ndarray] = []
    statuses: List[int] = []

    @settings(
        max_examples=250,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(requests())
    def answered_without_5xx(case: Tuple[str, bytes, Dict[str, str]]) -> None:
        model, body, headers = case
        status, answer = client.post(f"/v2/models/{model}/infer", body, headers)
        statuses.append(status)
        assert status == 200 or (400 <= status < 500 and isinstance(answer["error"], str)), (status, answer)
        inputs.append(rng.uniform(0, 2, (1, FEATURES)).astype(np.float32))
        outputs.append(
            reference.step("onnx_step", inputs[-1], sequence_id="reference", sequence_start=len(inputs) == 1)
        )

    try:
        answered_without_5xx()
        np.testing.assert_array_equal(np.stack(outputs), runtime.load(paths["step"]).run(np.stack(inputs))[0])
        refused = [status for status in statuses if status != 200]
        assert statuses.count(200) >= 5 and len(refused) >= 50 and {400, 404} <= set(refused), sorted(set(statuses))
        assert server.metric("snn_infer_errors_total", model="onnx_step", status="500") == 0
    finally:
        client.close()
        reference.close()
        clean, logs = server.stop()
    assert clean and not [entry for entry in logs if "exception" in entry or entry["level"] == "error"]
