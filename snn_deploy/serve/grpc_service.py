"""The gRPC half of the Open Inference Protocol: ``inference.GRPCInferenceService`` over the REST
half's :class:`~snn_deploy.serve.app.InferenceServer` (same models, sequences, batchers, metrics).

Unary calls (``ServerLive``, ``ServerReady``, ``ModelReady``, ``ServerMetadata``,
``ModelMetadata``, ``ModelConfig``, ``ModelInfer``) answer as the REST routes do; a refused
request ends with the gRPC status code of the REST status and the same message. Triton's
bidirectional ``ModelStreamInfer`` reads requests as they come and runs each one as soon as it is
read, so the steps of the many sequences one stream may carry batch together; a sequence's steps
run in arrival order (its lock) and each answer is written as it is ready, so answers keep their
order within a sequence. A refused stream request is answered in the stream (``error_message``,
with the request's id) and the stream goes on. A stream that breaks leaves its sequences live until
their idle timeout, like a REST client that stops.

Requests arrive as bytes and are parsed here, so a malformed message is INVALID_ARGUMENT, not
grpcio's INTERNAL deserialization failure. Everything runs on the event loop the REST half runs on
(the sequence store is used from that thread only).
"""

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, AsyncIterator, Awaitable, Callable, Dict, Optional, Set

import grpc
from tritonclient.grpc import model_config_pb2, service_pb2

import snn_deploy
from snn_deploy.serve.grpc_tensors import (
    decode_inputs,
    encode_response,
    error_response,
    grpc_code,
    parameters,
    parse_message,
    requested_outputs,
)
from snn_deploy.serve.inference import find_model, record, refusal
from snn_deploy.serve.models import ServedModel
from snn_deploy.serve.protocol import ProtocolError
from snn_deploy.serve.triton import triton_type

if TYPE_CHECKING:  # app.py starts this half: a type-only import
    from snn_deploy.serve.app import InferenceServer

SERVICE = "inference.GRPCInferenceService"
EXTENSIONS = ["binary_tensor_data", "sequence", "model_repository_metadata"]
SHUTTING_DOWN = "the server is shutting down; no further requests are read from this stream"


@dataclass
class Answer:
    """One infer request's outcome: the response, or the HTTP status and message refusing it."""

    response: Optional[Any]  # a ModelInferResponse, or a ModelStreamInferResponse in a stream
    status: int
    message: str
    model_name: str
    request_id: str


class GrpcService:
    """The service's handlers over ``server``; :meth:`drain` stops reading streams."""

    def __init__(self, server: "InferenceServer"):
        self.server = server
        self._readers: Set["asyncio.Task[None]"] = set()
        self._draining = False

    def handler(self) -> grpc.GenericRpcHandler:
        """The generic handler of every implemented method, for ``grpc.aio.Server``."""
        unary: Dict[str, Callable[[Any, Any], Awaitable[Any]]] = {
            "ServerLive": self.server_live,
            "ServerReady": self.server_ready,
            "ModelReady": self.model_ready,
            "ServerMetadata": self.server_metadata,
            "ModelMetadata": self.model_metadata,
            "ModelConfig": self.model_config,
        }
        handlers = {
            name: grpc.unary_unary_rpc_method_handler(
                behavior,
                request_deserializer=getattr(service_pb2, f"{name}Request").FromString,
                response_serializer=getattr(service_pb2, f"{name}Response").SerializeToString,
            )
            for name, behavior in unary.items()
        }
        handlers["ModelInfer"] = grpc.unary_unary_rpc_method_handler(
            self.model_infer, response_serializer=service_pb2.ModelInferResponse.SerializeToString
        )
        handlers["ModelStreamInfer"] = grpc.stream_stream_rpc_method_handler(
            self.model_stream_infer, response_serializer=service_pb2.ModelStreamInferResponse.SerializeToString
        )
        return grpc.method_handlers_generic_handler(SERVICE, handlers)

    # ---- health and metadata

    async def server_live(self, request: Any, context: Any) -> Any:
        return service_pb2.ServerLiveResponse(live=True)

    async def server_ready(self, request: Any, context: Any) -> Any:
        return service_pb2.ServerReadyResponse(ready=True)

    async def _model(self, request: Any, context: Any) -> ServedModel:
        try:
            return find_model(self.server.models, request.name, request.version)
        except ProtocolError as error:
            await context.abort(grpc_code(error.status), str(error))
            raise  # abort raises; this line is never reached

    async def model_ready(self, request: Any, context: Any) -> Any:
        await self._model(request, context)
        return service_pb2.ModelReadyResponse(ready=True)

    async def server_metadata(self, request: Any, context: Any) -> Any:
        return service_pb2.ServerMetadataResponse(
            name="snn-deploy", version=snn_deploy.__version__, extensions=EXTENSIONS
        )

    async def model_metadata(self, request: Any, context: Any) -> Any:
        metadata = (await self._model(request, context)).metadata()
        tensors = {
            key: [service_pb2.ModelMetadataResponse.TensorMetadata(**port) for port in metadata[key]]
            for key in ("inputs", "outputs")
        }
        return service_pb2.ModelMetadataResponse(
            name=metadata["name"], versions=metadata["versions"], platform=metadata["platform"], **tensors
        )

    async def model_config(self, request: Any, context: Any) -> Any:
        """Triton's model configuration: the ports with their full shapes (``max_batch_size`` 0:
        the batch axis is in the shape, as ``-1``)."""
        model = await self._model(request, context)
        signature = model.session.signature
        ports = {"input": [signature.input], "output": list(signature.outputs)}
        config = model_config_pb2.ModelConfig(name=model.name, platform="onnxruntime_onnx", max_batch_size=0)
        for key, values in ports.items():
            for port in values:
                getattr(config, key).add(
                    name=port.name,
                    data_type=model_config_pb2.DataType.Value(triton_type(port.dtype)),
                    dims=[-1 if size is None else size for size in port.shape],
                )
        return service_pb2.ModelConfigResponse(config=config)

    # ---- inference

    async def _answer(self, data: bytes, streamed: bool = False) -> Answer:
        """Parse, run and count one serialized ``ModelInferRequest`` (as the REST route does);
        ``streamed``: answer with a ``ModelStreamInferResponse``."""
        server = self.server
        server.accepted += 1
        start = time.perf_counter()
        label, name, request_id = "", "", ""
        try:
            request = parse_message(data)
            name, request_id = request.model_name, request.id
            label = name if name in server.models else ""
            server.metrics.requests.labels(label).inc()
            model = find_model(server.models, name, request.model_version)
            output = await server.run_request(
                model, decode_inputs(request, server.limits.elements), requested_outputs(request), parameters(request)
            )
            outputs = [(model.output_name, output)]
            if streamed:
                response = service_pb2.ModelStreamInferResponse()
                encode_response(model.name, request, outputs, response.infer_response)
            else:
                response = encode_response(model.name, request, outputs)
        except Exception as error:
            if not name:
                server.metrics.requests.labels(label).inc()
            status, message = refusal(error, label)
            record(server.metrics, label, start, status, message)
            server.answered += 1
            return Answer(None, status, message, name, request_id)
        record(server.metrics, label, start, 200, "")
        server.answered += 1
        return Answer(response, 200, "", name, request_id)

    async def model_infer(self, data: bytes, context: Any) -> Any:
        answer = await self._answer(data)
        if answer.response is None:
            await context.abort(grpc_code(answer.status), answer.message)
        return answer.response

    async def model_stream_infer(self, requests: AsyncIterator[bytes], context: Any) -> None:
        """Read the stream's requests in one task, run each in a task of its own, and write every
        answer as it is ready; end when the client ends its side and every answer is written."""
        if self._draining:
            await context.abort(grpc.StatusCode.UNAVAILABLE, SHUTTING_DOWN)
        answers: "asyncio.Queue[Optional[service_pb2.ModelStreamInferResponse]]" = asyncio.Queue()
        reader = asyncio.ensure_future(self._read(context, answers))
        self._readers.add(reader)
        reader.add_done_callback(self._readers.discard)
        while True:
            message = await answers.get()
            if message is None:
                break
            await context.write(message)
        if reader.cancelled() or self._draining:
            context.set_code(grpc.StatusCode.UNAVAILABLE)
            context.set_details(SHUTTING_DOWN)

    async def _read(self, context: Any, answers: "asyncio.Queue[Any]") -> None:
        running: Set["asyncio.Task[None]"] = set()
        try:
            while True:
                data = await context.read()
                if data is grpc.aio.EOF:
                    break
                task = asyncio.ensure_future(self._stream_answer(data, answers))
                running.add(task)
                task.add_done_callback(running.discard)
        except asyncio.CancelledError:
            pass  # draining: no further requests are read; those read are answered
        except Exception:  # noqa: BLE001 - the stream broke; its sequences stay live
            pass
        finally:
            if running:
                await asyncio.gather(*running)
            answers.put_nowait(None)

    async def _stream_answer(self, data: bytes, answers: "asyncio.Queue[Any]") -> None:
        answer = await self._answer(data, streamed=True)
        if answer.response is None:
            answers.put_nowait(error_response(answer.model_name, answer.request_id, answer.message))
        else:
            answers.put_nowait(answer.response)

    async def drain(self) -> None:
        """Stop reading every stream (requests already read are still answered)."""
        self._draining = True
        for reader in list(self._readers):
            reader.cancel()
