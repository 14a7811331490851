"""Open Inference Protocol v2 tensors: JSON and Triton's binary tensor extension, to and from numpy.

A request body is JSON, or (binary extension) a JSON header of ``Inference-Header-Content-Length``
bytes followed by the raw row-major bytes of every input whose ``parameters`` carry
``binary_data_size``, in the order of ``inputs``. Errors are :class:`ProtocolError` with the HTTP
status to answer; the app turns them into ``{"error": message}``.

Parsing is bounded: JSON nesting (:mod:`snn_deploy.serve.json_scan`), a shape's rank and the total
elements of a request (counted in Python integers, so ``[2**32, 2**32]`` cannot wrap); JSON data
must match its shape and datatype exactly (:mod:`snn_deploy.serve.tensor_values`).
"""

import json
import math
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from snn_deploy.serve import json_scan
from snn_deploy.serve.limits import DEFAULT_MAX_ELEMENTS
from snn_deploy.serve.protocol_error import ProtocolError
from snn_deploy.serve.tensor_values import values_array

HEADER_LENGTH = "inference-header-content-length"
MAX_RANK = 16
DATATYPES: Dict[str, str] = {
    "BOOL": "bool",
    "UINT8": "uint8",
    "UINT16": "uint16",
    "UINT32": "uint32",
    "UINT64": "uint64",
    "INT8": "int8",
    "INT16": "int16",
    "INT32": "int32",
    "INT64": "int64",
    "FP16": "float16",
    "FP32": "float32",
    "FP64": "float64",
}
DTYPE_NAMES: Dict[str, str] = {dtype: name for name, dtype in DATATYPES.items()}


def datatype(dtype: Any) -> str:
    """The protocol's datatype name of a numpy dtype (``float32`` -> ``FP32``)."""
    name = np.dtype(dtype).name
    if name not in DTYPE_NAMES:
        raise ProtocolError(500, f"dtype {name} has no Open Inference Protocol datatype")
    return DTYPE_NAMES[name]


@dataclass
class InferRequest:
    """A parsed infer request: its id, parameters, input arrays by name and requested outputs
    (``binary`` says whether each output goes back as raw bytes)."""

    id: Optional[str]
    parameters: Dict[str, Any]
    inputs: Dict[str, np.ndarray]
    outputs: Optional[Dict[str, bool]]
    binary_default: bool


def parse_request(body: bytes, header_length: Optional[str], max_elements: int = DEFAULT_MAX_ELEMENTS) -> InferRequest:
    """Decode an infer request body (plain JSON, or a JSON header plus binary tensors) of at most
    ``max_elements`` values in all its inputs (more is a 413)."""
    binary = b""
    if header_length is not None:
        try:
            length = int(header_length)
        except ValueError:
            raise ProtocolError(
                400, f"Inference-Header-Content-Length: expected an integer, got {header_length[:40]!r}"
            ) from None
        if not 0 < length <= len(body):
            raise ProtocolError(
                400, f"Inference-Header-Content-Length {length} does not fit a body of {len(body)} bytes"
            )
        body, binary = body[:length], body[length:]
    request = json_scan.loads(body, "the request body")
    if not isinstance(request, dict):
        raise ProtocolError(400, f"the request body must be a JSON object, got {type(request).__name__}")
    parameters = _object(request.get("parameters", {}), "parameters")
    inputs = request.get("inputs")
    if not isinstance(inputs, list) or not inputs:
        raise ProtocolError(400, "the request needs a non-empty list 'inputs'")
    arrays: Dict[str, np.ndarray] = {}
    offset, budget = 0, max_elements
    for tensor in inputs:
        name, array, offset = _decode_tensor(_object(tensor, "each input"), binary, offset, budget, max_elements)
        if name in arrays:
            raise ProtocolError(400, f"input '{name}' is given twice")
        arrays[name] = array
        budget -= array.size
    if offset != len(binary):
        raise ProtocolError(400, f"the body holds {len(binary) - offset} binary bytes that no input claims")
    outputs: Optional[Dict[str, bool]] = None
    if request.get("outputs") not in (None, []):  # [] asks for every output, as no "outputs" does
        if not isinstance(request["outputs"], list):
            raise ProtocolError(400, "'outputs' must be a list of {\"name\": ...} objects")
        outputs = {}
        for output in request["outputs"]:
            output = _object(output, "each requested output")
            if not isinstance(output.get("name"), str):
                raise ProtocolError(400, "each requested output needs a string 'name'")
            flags = _object(output.get("parameters", {}), f"output '{output['name']}' parameters")
            outputs[output["name"]] = _flag(flags, "binary_data")
    identifier = request.get("id")
    if identifier is not None and not isinstance(identifier, str):
        raise ProtocolError(400, f"the request 'id' must be a string, got {json.dumps(identifier)[:40]}")
    return InferRequest(identifier, parameters, arrays, outputs, _flag(parameters, "binary_data_output"))


def _object(value: Any, what: str) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise ProtocolError(400, f"{what} must be a JSON object, got {type(value).__name__}")
    return value


def _flag(parameters: Dict[str, Any], key: str) -> bool:
    value = parameters.get(key, False)
    if not isinstance(value, bool):
        raise ProtocolError(400, f"parameter {key} must be true or false, got {json.dumps(value)[:40]}")
    return value


def _shape(shape: Any, name: str, max_elements: int) -> List[int]:
    """A declared shape: at most :data:`MAX_RANK` integers (not booleans) in ``[0, max_elements]``."""
    valid = isinstance(shape, list) and all(type(size) is int and size >= 0 for size in shape)
    if not valid or len(shape) > MAX_RANK:
        raise ProtocolError(
            400,
            f"input '{name}': 'shape' must be a list of at most {MAX_RANK} non-negative integers, "
            f"got {json.dumps(shape)[:60]}",
        )
    if any(size > max_elements for size in shape):
        raise ProtocolError(
            413,
            f"input '{name}': shape {json.dumps(shape)[:60]} exceeds the limit of {max_elements} values per request "
            f"(--max-request-elements)",
        )
    return shape


def dtype_and_count(name: str, kind: Any, shape: List[int], budget: int, max_elements: int) -> Tuple[np.dtype, int]:
    """An input's numpy dtype and number of values (a Python integer: no wrap-around), for a known
    ``kind`` (400 otherwise) and at most ``budget`` more values of the request's ``max_elements`` (413)."""
    if kind not in DATATYPES:
        raise ProtocolError(400, f"input '{name}': datatype {kind!r} is not one of {', '.join(DATATYPES)}")
    count = math.prod(shape)
    if count > budget:
        raise ProtocolError(
            413,
            f"input '{name}': shape {shape} holds {count} values; a request may hold {max_elements} in all "
            f"(--max-request-elements)",
        )
    return np.dtype(DATATYPES[kind]), count


def _decode_tensor(
    tensor: Dict[str, Any], binary: bytes, offset: int, budget: int, max_elements: int
) -> Tuple[str, np.ndarray, int]:
    """One input's name, array and the binary offset after it; ``budget`` is how many more values
    the request may hold."""
    name, kind = tensor.get("name"), tensor.get("datatype")
    if not isinstance(name, str):
        raise ProtocolError(400, "each input needs a string 'name'")
    shape = _shape(tensor.get("shape"), name, max_elements)
    dtype, count = dtype_and_count(name, kind, shape, budget, max_elements)
    size = _object(tensor.get("parameters", {}), f"input '{name}' parameters").get("binary_data_size")
    if size is None:
        if "data" not in tensor:
            raise ProtocolError(400, f"input '{name}' has neither 'data' nor parameters.binary_data_size")
        return name, values_array(tensor["data"], shape, count, str(kind), dtype, f"input '{name}'"), offset
    if type(size) is not int or size != count * dtype.itemsize or offset + size > len(binary) or "data" in tensor:
        raise ProtocolError(
            400,
            f"input '{name}': binary_data_size {json.dumps(size)[:40]} does not match shape {shape} of {kind} "
            f"({count * dtype.itemsize} bytes) or the {len(binary) - offset} bytes left in the body"
            + (", and an input with binary data takes no 'data'" if "data" in tensor else ""),
        )
    array = np.frombuffer(binary, dtype=dtype, count=count, offset=offset).reshape(shape)
    if kind == "BOOL" and count and array.view(np.uint8).max() > 1:
        raise ProtocolError(400, f"input '{name}': BOOL bytes must be 0 or 1")
    return name, array, offset + size


def encode_response(
    model_name: str, request: InferRequest, outputs: List[Tuple[str, np.ndarray]]
) -> Tuple[bytes, Optional[int]]:
    """The response body and, if any output is sent as raw bytes, the JSON header's length."""
    tensors, chunks = [], []
    for name, array in outputs:
        binary = request.binary_default if request.outputs is None else request.outputs[name]
        tensor: Dict[str, Any] = {"name": name, "datatype": datatype(array.dtype), "shape": list(array.shape)}
        if binary:
            raw = np.ascontiguousarray(array).tobytes()
            tensor["parameters"] = {"binary_data_size": len(raw)}
            chunks.append(raw)
        else:
            tensor["data"] = array.reshape(-1).tolist()
        tensors.append(tensor)
    response: Dict[str, Any] = {"model_name": model_name, "model_version": "1", "outputs": tensors}
    if request.id is not None:
        response["id"] = request.id
    header = json.dumps(response).encode()
    if not chunks:
        return header, None
    return header + b"".join(chunks), len(header)


def encode_request(
    input_name: str, x: np.ndarray, output_name: str, parameters: Dict[str, Any]
) -> Tuple[bytes, Dict[str, str]]:
    """A client's binary infer request for one input (the output asked for as raw bytes too):
    the body and its headers."""
    raw = np.ascontiguousarray(x).tobytes()
    header = {
        "inputs": [
            {
                "name": input_name,
                "shape": list(x.shape),
                "datatype": datatype(x.dtype),
                "parameters": {"binary_data_size": len(raw)},
            }
        ],
        "outputs": [{"name": output_name, "parameters": {"binary_data": True}}],
        "parameters": parameters,
    }
    text = json.dumps(header).encode()
    headers = {"Content-Type": "application/octet-stream", HEADER_LENGTH: str(len(text))}
    return text + raw, headers


def decode_response(body: bytes, header_length: Optional[str]) -> Dict[str, np.ndarray]:
    """The output arrays of a response, JSON or binary."""
    split = len(body) if header_length is None else int(header_length)
    response, binary, offset = json.loads(body[:split]), body[split:], 0
    arrays = {}
    for tensor in response["outputs"]:
        dtype = np.dtype(DATATYPES[tensor["datatype"]])
        size = tensor.get("parameters", {}).get("binary_data_size")
        if size is None:
            arrays[tensor["name"]] = np.asarray(tensor["data"], dtype).reshape(tensor["shape"])
        else:
            arrays[tensor["name"]] = np.frombuffer(binary, dtype, size // dtype.itemsize, offset).reshape(
                tensor["shape"]
            )
            offset += size
    return arrays
