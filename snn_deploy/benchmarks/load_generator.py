"""A lean load generator for the serving workload: client streams in lockstep (a stream sends its
next step when the answer to the last one came), REST, gRPC unary or gRPC streaming, all on one
event loop in this process.

Every request is encoded before the clock starts: REST requests are whole HTTP/1.1 messages
(binary tensors) written to a keep-alive connection per stream, their answers read by
``Content-Length`` and checked by status line only; gRPC requests are serialized
``ModelInferRequest`` bytes sent and received as bytes (no protobuf work in the timed loop), one
channel (HTTP/2 connection) per stream, a stream's answers checked for an ``error_message``.
"""

import asyncio
import time
from typing import Any, Awaitable, Callable, Dict, List, Sequence, Tuple

import numpy as np

from snn_deploy.serve.protocol import encode_request

PROTOCOLS = ("REST", "gRPC unary", "gRPC stream")
INFER_METHOD = "/inference.GRPCInferenceService/ModelInfer"
STREAM_METHOD = "/inference.GRPCInferenceService/ModelStreamInfer"
_CONTENT_LENGTH = b"\r\ncontent-length:"


def step_parameters(sequence_id: int, t: int, steps: int) -> Dict[str, Any]:
    return {"sequence_id": sequence_id, "sequence_start": t == 0, "sequence_end": t == steps - 1}


def rest_requests(model: str, host: str, inputs: np.ndarray, sequence_id: int) -> List[bytes]:
    """The HTTP/1.1 requests of one stream, one per step of ``inputs`` ``(T, ...)``."""
    messages = []
    for t, x_t in enumerate(inputs):
        body, headers = encode_request("input", x_t, "output", step_parameters(sequence_id, t, len(inputs)))
        lines = [f"POST /v2/models/{model}/infer HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
        lines += [f"{key}: {value}" for key, value in headers.items()]
        messages.append(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    return messages


def grpc_requests(model: str, inputs: np.ndarray, sequence_id: int) -> List[bytes]:
    """The serialized ``ModelInferRequest`` of every step of one stream (raw input contents)."""
    from tritonclient.grpc import service_pb2

    messages = []
    for t, x_t in enumerate(inputs):
        request = service_pb2.ModelInferRequest(model_name=model, id=f"{sequence_id}-{t}")
        request.inputs.add(name="input", datatype="FP32", shape=x_t.shape)
        request.raw_input_contents.append(np.ascontiguousarray(x_t, np.float32).tobytes())
        for key, value in step_parameters(sequence_id, t, len(inputs)).items():
            if isinstance(value, bool):
                request.parameters[key].bool_param = value
            else:
                request.parameters[key].int64_param = value
        messages.append(request.SerializeToString())
    return messages


async def _rest_stream(address: Tuple[str, int], requests: Sequence[bytes], latencies: List[float]) -> None:
    reader, writer = await asyncio.open_connection(*address)
    try:
        for message in requests:
            start = time.perf_counter()
            writer.write(message)
            head = await reader.readuntil(b"\r\n\r\n")
            lower = head.lower()
            at = lower.index(_CONTENT_LENGTH) + len(_CONTENT_LENGTH)
            body = await reader.readexactly(int(lower[at : lower.index(b"\r\n", at)]))
            latencies.append(time.perf_counter() - start)
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"REST: {head.splitlines()[0]!r}: {body[:200]!r}")
    finally:
        writer.close()


async def _grpc_unary(target: str, requests: Sequence[bytes], latencies: List[float]) -> None:
    import grpc

    async with grpc.aio.insecure_channel(target) as channel:
        infer = channel.unary_unary(INFER_METHOD)
        for message in requests:
            start = time.perf_counter()
            await infer(message)
            latencies.append(time.perf_counter() - start)


async def _grpc_stream(target: str, requests: Sequence[bytes], latencies: List[float]) -> None:
    import grpc

    async with grpc.aio.insecure_channel(target) as channel:
        call = channel.stream_stream(STREAM_METHOD)()
        for message in requests:
            start = time.perf_counter()
            await call.write(message)
            answer = await call.read()
            latencies.append(time.perf_counter() - start)
            if answer[:1] == b"\n":  # field 1, error_message, comes first
                raise RuntimeError(f"gRPC stream: {answer[:200]!r}")
        await call.done_writing()
        if await call.read() is not grpc.aio.EOF or await call.code() != grpc.StatusCode.OK:
            raise RuntimeError(f"gRPC stream: ended with {await call.code()}: {await call.details()}")


def drive(protocol: str, address: Tuple[str, int], streams: Sequence[Sequence[bytes]]) -> Tuple[float, np.ndarray]:
    """Run every stream's requests at once over ``protocol`` against ``address`` (the gRPC
    port for gRPC); the wall seconds and every request's latency in seconds."""
    client: Callable[[Any, Sequence[bytes], List[float]], Awaitable[None]]
    target: Any = address
    if protocol == "REST":
        client = _rest_stream
    else:
        client = _grpc_unary if protocol == "gRPC unary" else _grpc_stream
        target = f"{address[0]}:{address[1]}"
    latencies: List[List[float]] = [[] for _ in streams]

    async def run_all() -> float:
        start = time.perf_counter()
        await asyncio.gather(*(client(target, requests, latencies[i]) for i, requests in enumerate(streams)))
        return time.perf_counter() - start

    seconds = _event_loop_run(run_all())
    return seconds, np.concatenate([np.asarray(values) for values in latencies])


def _event_loop_run(coroutine: Awaitable[float]) -> float:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)  # type: ignore[arg-type]
    return uvloop.run(coroutine)  # type: ignore[arg-type]
