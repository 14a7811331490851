"""A trivial endpoint for measuring the load generator's own ceiling: it answers every infer request
at once with a canned answer of the real one's size, REST on ``--port`` (a bare asyncio protocol)
and gRPC on ``--grpc-port`` (``ModelInfer`` and ``ModelStreamInfer`` on bytes, nothing parsed).

    python -m snn_deploy.benchmarks.trivial_server --port 8000 --grpc-port 8001 --output-bytes 40
"""

import argparse
import asyncio
from typing import Any, AsyncIterator, Optional

READY = "trivial server ready"


def canned_answers(output_bytes: int) -> "tuple[bytes, bytes, bytes]":
    """The REST response, the serialized ``ModelInferResponse`` and ``ModelStreamInferResponse``."""
    from tritonclient.grpc import service_pb2

    raw = bytes(output_bytes)
    header = (
        b'{"model_name":"trivial","model_version":"1","outputs":[{"name":"output","datatype":"FP32",'
        b'"shape":[1,%d],"parameters":{"binary_data_size":%d}}]}' % (output_bytes // 4, output_bytes)
    )
    rest = (
        (
            b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n"
            b"inference-header-content-length: %d\r\ncontent-length: %d\r\n\r\n" % (len(header), len(header) + len(raw))
        )
        + header
        + raw
    )
    response = service_pb2.ModelInferResponse(model_name="trivial", model_version="1")
    response.outputs.add(name="output", datatype="FP32", shape=[1, output_bytes // 4])
    response.raw_output_contents.append(raw)
    stream = service_pb2.ModelStreamInferResponse(infer_response=response)
    return rest, response.SerializeToString(), stream.SerializeToString()


class _RestAnswer(asyncio.Protocol):
    """Answers each complete HTTP request (headers plus ``Content-Length`` bytes) with ``answer``."""

    def __init__(self, answer: bytes):
        self.answer = answer
        self.buffer = b""
        self.transport: Optional[asyncio.Transport] = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            at = head.find(b"\r\ncontent-length:")
            length = int(head[at + 17 :].split(b"\r\n", 1)[0]) if at >= 0 else 0
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            assert self.transport is not None
            self.transport.write(self.answer)


async def serve(port: int, grpc_port: int, output_bytes: int) -> None:
    import grpc

    rest, unary, stream = canned_answers(output_bytes)

    async def infer(request: bytes, context: Any) -> bytes:
        return unary

    async def stream_infer(requests: AsyncIterator[bytes], context: Any) -> AsyncIterator[bytes]:
        async for _ in requests:
            yield stream

    handlers = {
        "ModelInfer": grpc.unary_unary_rpc_method_handler(infer),
        "ModelStreamInfer": grpc.stream_stream_rpc_method_handler(stream_infer),
    }
    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("inference.GRPCInferenceService", handlers),))
    server.add_insecure_port(f"127.0.0.1:{grpc_port}")
    await server.start()
    loop = asyncio.get_running_loop()
    await loop.create_server(lambda: _RestAnswer(rest), "127.0.0.1", port)
    print(READY, flush=True)
    await server.wait_for_termination()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--grpc-port", type=int, required=True)
    parser.add_argument("--output-bytes", type=int, default=40)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.run(serve(args.port, args.grpc_port, args.output_bytes))
    except ImportError:
        asyncio.run(serve(args.port, args.grpc_port, args.output_bytes))


if __name__ == "__main__":
    main()
