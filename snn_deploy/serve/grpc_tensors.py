"""Open Inference Protocol v2 tensors over gRPC: ``ModelInferRequest`` to numpy and back.

An input comes as ``raw_input_contents`` (row-major bytes, one entry per input, in the order of
``inputs``) or as typed ``contents`` (``fp32_contents``, ``int64_contents``, ...). The response
answers in the request's form: raw bytes in ``raw_output_contents`` for a raw request, typed
``contents`` otherwise. Errors are :class:`ProtocolError` with the HTTP status the REST half would
answer; :data:`GRPC_CODES` maps it to the gRPC status code.
"""

from typing import Any, Dict, List, Optional, Tuple

import grpc
import numpy as np
from tritonclient.grpc import service_pb2

from snn_deploy.serve.protocol import MAX_RANK, ProtocolError, datatype, dtype_and_count

GRPC_CODES: Dict[int, grpc.StatusCode] = {
    400: grpc.StatusCode.INVALID_ARGUMENT,
    404: grpc.StatusCode.NOT_FOUND,
    413: grpc.StatusCode.RESOURCE_EXHAUSTED,
    503: grpc.StatusCode.UNAVAILABLE,
    500: grpc.StatusCode.INTERNAL,
}
# The typed ``InferTensorContents`` field of each datatype (FP16 has none: raw bytes only).
CONTENTS_FIELD: Dict[str, str] = {
    "BOOL": "bool_contents",
    "UINT8": "uint_contents",
    "UINT16": "uint_contents",
    "UINT32": "uint_contents",
    "UINT64": "uint64_contents",
    "INT8": "int_contents",
    "INT16": "int_contents",
    "INT32": "int_contents",
    "INT64": "int64_contents",
    "FP32": "fp32_contents",
    "FP64": "fp64_contents",
}


def grpc_code(status: int) -> grpc.StatusCode:
    """The gRPC status code of an HTTP status (UNKNOWN for one without a counterpart)."""
    return GRPC_CODES.get(status, grpc.StatusCode.UNKNOWN)


def parse_message(data: bytes) -> service_pb2.ModelInferRequest:
    """Decode a serialized ``ModelInferRequest``; a malformed one is a 400."""
    request = service_pb2.ModelInferRequest()
    try:
        request.ParseFromString(data)
    except Exception as error:  # protobuf's DecodeError, or a message/field type mismatch
        raise ProtocolError(400, f"malformed ModelInferRequest message: {error}") from None
    return request


def parameters(request: Any) -> Dict[str, Any]:
    """A request's ``parameters`` map as plain values (bool, int, float or str)."""
    values: Dict[str, Any] = {}
    for key, parameter in request.parameters.items():
        choice = parameter.WhichOneof("parameter_choice")
        values[key] = None if choice is None else getattr(parameter, choice)
    return values


def decode_inputs(request: service_pb2.ModelInferRequest, max_elements: int) -> Dict[str, np.ndarray]:
    """The input arrays of a request, by name, under the REST half's rules: at most
    :data:`MAX_RANK` sizes, at most ``max_elements`` values in all (413 past it, counted in Python
    integers), typed values within their datatype's range and finite."""
    raw = request.raw_input_contents
    if raw and len(raw) != len(request.inputs):
        raise ProtocolError(
            400, f"raw_input_contents holds {len(raw)} tensors for {len(request.inputs)} inputs: one each, in order"
        )
    if not request.inputs:
        raise ProtocolError(400, "the request needs a non-empty list 'inputs'")
    arrays: Dict[str, np.ndarray] = {}
    budget = max_elements
    for index, tensor in enumerate(request.inputs):
        name, kind, shape = tensor.name, tensor.datatype, list(tensor.shape)
        if name in arrays:
            raise ProtocolError(400, f"input '{name}' is given twice")
        if len(shape) > MAX_RANK or any(size < 0 for size in shape):
            raise ProtocolError(
                400, f"input '{name}': 'shape' must be at most {MAX_RANK} non-negative integers, got {shape[:20]!r}"
            )
        dtype, count = dtype_and_count(name, kind, shape, budget, max_elements)
        budget -= count
        if raw:
            if len(raw[index]) != count * dtype.itemsize:
                raise ProtocolError(
                    400,
                    f"input '{name}': raw_input_contents holds {len(raw[index])} bytes, shape {shape} of {kind} "
                    f"needs {count * dtype.itemsize}",
                )
            arrays[name] = np.frombuffer(raw[index], dtype=dtype).reshape(shape)
            continue
        field = CONTENTS_FIELD.get(kind)
        if field is None or not tensor.HasField("contents"):
            raise ProtocolError(400, f"input '{name}' has neither typed contents nor raw_input_contents")
        values = getattr(tensor.contents, field)
        if len(values) != count:
            raise ProtocolError(400, f"input '{name}': shape {shape} needs {count} values, {field} holds {len(values)}")
        arrays[name] = _typed_values(values, dtype, kind, name).reshape(shape)
    return arrays


def _typed_values(values: Any, dtype: np.dtype, kind: str, name: str) -> np.ndarray:
    """Typed contents as ``dtype``: integers within its range (the protocol's fields are wider
    than INT8/INT16/UINT8/UINT16/UINT32), floats finite."""
    if dtype.kind in "iu":
        wide = np.asarray(values, dtype=np.uint64 if dtype.kind == "u" else np.int64)
        limits = np.iinfo(dtype)
        if wide.size and (wide.min() < limits.min or wide.max() > limits.max):
            raise ProtocolError(400, f"input '{name}': values out of the range of {kind} [{limits.min}, {limits.max}]")
        return wide.astype(dtype)
    array = np.asarray(values, dtype=dtype)
    if dtype.kind == "f" and not np.isfinite(array).all():
        raise ProtocolError(400, f"input '{name}': {kind} values must be finite")
    return array


def requested_outputs(request: service_pb2.ModelInferRequest) -> Optional[List[str]]:
    return [output.name for output in request.outputs] or None


def encode_response(
    model_name: str,
    request: service_pb2.ModelInferRequest,
    outputs: List[Tuple[str, np.ndarray]],
    response: Optional[service_pb2.ModelInferResponse] = None,
) -> service_pb2.ModelInferResponse:
    """The ``ModelInferResponse`` of ``outputs``, raw if the request came raw, else typed;
    written into ``response`` if given (a stream response's ``infer_response``, not copied)."""
    if response is None:
        response = service_pb2.ModelInferResponse()
    response.model_name, response.model_version, response.id = model_name, "1", request.id
    for name, array in outputs:
        kind = datatype(array.dtype)
        tensor = response.outputs.add(name=name, datatype=kind, shape=array.shape)
        if request.raw_input_contents or kind not in CONTENTS_FIELD:
            response.raw_output_contents.append(np.ascontiguousarray(array).tobytes())
        else:
            getattr(tensor.contents, CONTENTS_FIELD[kind]).extend(array.reshape(-1).tolist())
    return response


def error_response(model_name: str, request_id: str, message: str) -> service_pb2.ModelStreamInferResponse:
    """A stream's answer to a refused request: Triton's ``error_message``, with the request's id."""
    return service_pb2.ModelStreamInferResponse(
        error_message=message, infer_response=service_pb2.ModelInferResponse(model_name=model_name, id=request_id)
    )
