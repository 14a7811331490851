"""The Starlette app: Open Inference Protocol v2 routes over the served models.

Stateless requests run on a pool of ``workers`` threads; a step of a sequence (Triton's
``sequence_id`` / ``sequence_start`` / ``sequence_end`` request parameters) runs with the state
the server holds for it, through the model's :class:`Batcher` when it is a single step.
"""

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any, AsyncIterator, Dict, Iterable, Optional, Tuple

import anyio
import numpy as np
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import snn_deploy
from snn_deploy.serve.batcher import Batcher
from snn_deploy.serve.config import ServerConfig
from snn_deploy.serve.grpc_server import grpc_half
from snn_deploy.serve.inference import find_model, record, refusal
from snn_deploy.serve.limits import resolve
from snn_deploy.serve.metrics import Metrics
from snn_deploy.serve.models import ServedModel
from snn_deploy.serve.protocol import HEADER_LENGTH, InferRequest, ProtocolError, encode_response, parse_request
from snn_deploy.serve.request_body import read_body
from snn_deploy.serve.sequences import SequenceId, SequenceStore

LOGGER = logging.getLogger("snn_deploy.serve")
INLINE_PARSE_BYTES = 256 * 1024  # larger bodies are parsed on a thread, off the event loop
MAX_SEQUENCE_ID_CHARACTERS = 256


@dataclass(frozen=True)
class SequenceControl:
    id: SequenceId
    start: bool
    end: bool


def sequence_control(parameters: Dict[str, Any]) -> Optional[SequenceControl]:
    """Triton's sequence parameters of a request, or ``None`` for a stateless request."""
    sequence_id = parameters.get("sequence_id", 0)
    flags = {}
    for key in ("sequence_start", "sequence_end"):
        flags[key] = parameters.get(key, False)
        if not isinstance(flags[key], bool):
            raise ProtocolError(400, f"parameter {key} must be true or false, got {flags[key]!r}")
    valid_id = (type(sequence_id) is int and 0 <= sequence_id < 2**64) or (
        isinstance(sequence_id, str) and len(sequence_id) <= MAX_SEQUENCE_ID_CHARACTERS
    )
    if not valid_id:
        raise ProtocolError(
            400,
            f"parameter sequence_id must be an integer in [0, 2**64) or a string of at most "
            f"{MAX_SEQUENCE_ID_CHARACTERS} characters, got {repr(sequence_id)[:60]}",
        )
    if sequence_id in (0, ""):
        if flags["sequence_start"] or flags["sequence_end"]:
            raise ProtocolError(400, "sequence_start and sequence_end need a non-zero sequence_id")
        return None
    return SequenceControl(sequence_id, flags["sequence_start"], flags["sequence_end"])


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class InferenceServer:
    """State of one server: models, their sequences and batchers, metrics and request counts."""

    def __init__(self, models: Dict[str, ServedModel], config: ServerConfig):
        self.models = models
        self.config = config
        self.limits = resolve(config.limits, models)
        self.metrics = Metrics()
        self.stores = {name: SequenceStore(config.max_sequences, config.sequence_idle_timeout_s) for name in models}
        self.batchers: Dict[str, Batcher] = {}
        self.accepted = 0
        self.answered = 0
        self._limiter: Optional[anyio.CapacityLimiter] = None
        self._parse_limiter: Optional[anyio.CapacityLimiter] = None

    # ---- lifecycle

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self._limiter = anyio.CapacityLimiter(self.config.workers)
        self._parse_limiter = anyio.CapacityLimiter(1)
        for name, model in self.models.items():
            if model.is_step:
                histogram = self.metrics.batch_size.labels(name)
                self.batchers[name] = Batcher(
                    model,
                    self.config.max_batch_size,
                    self.config.max_queue_delay_us,
                    self.config.workers,
                    histogram.observe,
                )
        evictor = asyncio.create_task(self._evict_idle())
        try:
            async with grpc_half(self):  # the gRPC half, on this event loop: drained before the batchers stop
                LOGGER.info(
                    "ready",
                    extra={
                        "models": sorted(self.models),
                        "config": self.config.__dict__,
                        "limits": self.limits.__dict__,
                    },
                )
                yield
        finally:
            evictor.cancel()
            for batcher in self.batchers.values():
                batcher.stop()
            LOGGER.info(
                "stopped",
                extra={"accepted": self.accepted, "answered": self.answered},
            )

    async def _evict_idle(self) -> None:
        period = min(self.config.sequence_idle_timeout_s / 4, 1.0)
        while True:
            await asyncio.sleep(period)
            for name, store in self.stores.items():
                evicted = store.evict_idle()
                if evicted:
                    self.metrics.evictions.labels(name).inc(len(evicted))
                    self.metrics.live_sequences.labels(name).set(len(store))
                    LOGGER.info("evicted idle sequences", extra={"model": name, "sequences": evicted})

    # ---- routes

    def _model(self, request: Request) -> ServedModel:
        return find_model(self.models, request.path_params["name"], request.path_params.get("version", "1"))

    async def live(self, request: Request) -> Response:
        return JSONResponse({"live": True})

    async def ready(self, request: Request) -> Response:
        return JSONResponse({"ready": True})

    async def server_metadata(self, request: Request) -> Response:
        extensions = ["binary_tensor_data", "sequence", "model_repository_metadata"]
        return JSONResponse({"name": "snn-deploy", "version": snn_deploy.__version__, "extensions": extensions})

    async def model_metadata(self, request: Request) -> Response:
        try:
            return JSONResponse(self._model(request).metadata())
        except ProtocolError as error:
            return _error(error.status, str(error))

    async def model_ready(self, request: Request) -> Response:
        try:
            return JSONResponse({"name": self._model(request).name, "ready": True})
        except ProtocolError as error:
            return _error(error.status, str(error))

    async def metrics_text(self, request: Request) -> Response:
        return Response(self.metrics.text(), media_type="text/plain; version=0.0.4; charset=utf-8")

    async def infer(self, request: Request) -> Response:
        self.accepted += 1
        start = time.perf_counter()
        label = request.path_params["name"] if request.path_params["name"] in self.models else ""
        self.metrics.requests.labels(label).inc()
        try:
            response = await self._infer(request)
        except ClientDisconnect:  # nobody to answer; not a server error
            self.metrics.disconnects.labels(label).inc()
            LOGGER.info("client disconnected before its request arrived", extra={"model": label})
            self.answered += 1
            return Response(status_code=400)
        except Exception as error:
            status, message = refusal(error, label)
            response = _error(status, message)
            record(self.metrics, label, start, status, message)
        else:
            record(self.metrics, label, start, 200, "")
        self.answered += 1
        return response

    async def _infer(self, request: Request) -> Response:
        model = self._model(request)
        body = await read_body(request, self.limits.body_bytes)
        header_length, elements = request.headers.get(HEADER_LENGTH), self.limits.elements
        if len(body) <= INLINE_PARSE_BYTES:
            parsed = parse_request(body, header_length, elements)
        else:
            parsed = await anyio.to_thread.run_sync(
                parse_request, body, header_length, elements, limiter=self._parse_limiter
            )
        output = await self.run_request(model, parsed.inputs, parsed.outputs, parsed.parameters)
        return self._response(model, parsed, output)

    async def run_request(
        self,
        model: ServedModel,
        inputs: Dict[str, np.ndarray],
        outputs: Optional[Iterable[str]],
        parameters: Dict[str, Any],
    ) -> np.ndarray:
        """The output of one parsed infer request (either half of the server): the input
        checked, a stateless run or a step of the sequence its parameters name."""
        x, single, batch = model.check_input(inputs)
        unknown = set(outputs or ()) - {model.output_name}
        if unknown:
            raise ProtocolError(
                400, f"model '{model.name}' has one output '{model.output_name}', not {sorted(unknown)}"
            )
        control = sequence_control(parameters)
        if control is None:
            output, _ = await anyio.to_thread.run_sync(model.run, x, None, limiter=self._limiter)
            return output
        return await self._sequence_step(model, control, x, single, batch)

    def _response(self, model: ServedModel, parsed: InferRequest, output: np.ndarray) -> Response:
        body, header_length = encode_response(model.name, parsed, [(model.output_name, output)])
        if header_length is None:
            return Response(body, media_type="application/json")
        return Response(body, media_type="application/octet-stream", headers={HEADER_LENGTH: str(header_length)})

    async def _sequence_step(
        self, model: ServedModel, control: SequenceControl, x: np.ndarray, single: bool, batch: int
    ) -> np.ndarray:
        store = self.stores[model.name]
        gauge = self.metrics.live_sequences.labels(model.name)
        if control.start:
            if batch > self.limits.max_sequence_batch:
                raise ProtocolError(
                    400,
                    f"sequence {control.id!r}: batch {batch} is more than the {self.limits.max_sequence_batch} samples "
                    f"a sequence may hold (--max-sequence-batch); split it into several sequences",
                )
            sequence = store.start(control.id, model.initial_state(batch), batch)
            gauge.set(len(store))
        else:
            sequence = store.get(control.id)
        sequence.busy += 1
        try:
            async with sequence.lock:
                if store.get(control.id) is not sequence:
                    raise ProtocolError(400, f"sequence {control.id!r} was restarted while this request waited")
                if batch != sequence.batch:
                    raise ProtocolError(
                        400, f"sequence {control.id!r} was started with batch {sequence.batch}, this step has {batch}"
                    )
                output, sequence.state = await self._step(model, x, sequence.state, single, batch)
                if control.end:
                    store.end(sequence)
                    gauge.set(len(store))
                return output
        finally:
            sequence.busy -= 1
            sequence.last_used = store.clock()

    async def _step(
        self, model: ServedModel, x: np.ndarray, state: Dict[str, np.ndarray], single: bool, batch: int
    ) -> Tuple[np.ndarray, Dict[str, np.ndarray]]:
        if single:
            return await asyncio.wrap_future(self.batchers[model.name].submit(x, state, batch))
        return await anyio.to_thread.run_sync(model.run, x, state, limiter=self._limiter)


async def _http_error(request: Request, error: Exception) -> Response:
    status = error.status_code if isinstance(error, HTTPException) else 500
    detail = error.detail if isinstance(error, HTTPException) else "internal error"
    return _error(status, f"{request.method} {request.url.path}: {detail}")


def create_app(models: Dict[str, ServedModel], config: ServerConfig) -> Starlette:
    """The ASGI app serving ``models`` (see :func:`snn_deploy.serve.load_models`)."""
    server = InferenceServer(models, config)
    model_routes = []
    for prefix in ("/v2/models/{name}", "/v2/models/{name}/versions/{version}"):
        model_routes += [
            Route(prefix, server.model_metadata, methods=["GET"]),
            Route(prefix + "/ready", server.model_ready, methods=["GET"]),
            Route(prefix + "/infer", server.infer, methods=["POST"]),
        ]
    routes = [
        Route("/v2", server.server_metadata, methods=["GET"]),
        Route("/v2/health/live", server.live, methods=["GET"]),
        Route("/v2/health/ready", server.ready, methods=["GET"]),
        *model_routes,
        Route("/metrics", server.metrics_text, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=server.lifespan, exception_handlers={HTTPException: _http_error})
    app.state.server = server
    return app
