"""The gRPC half's server, on the event loop of the REST half: started in the app's lifespan,
drained when it ends (after uvicorn has drained the HTTP requests in progress)."""

import contextlib
import logging
from typing import TYPE_CHECKING, AsyncIterator

import grpc

from snn_deploy.errors import SnnDeployError
from snn_deploy.serve.grpc_service import GrpcService

if TYPE_CHECKING:  # app.py starts this half: a type-only import
    from snn_deploy.serve.app import InferenceServer

LOGGER = logging.getLogger("snn_deploy.serve")
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
DRAIN_GRACE_S = 60.0


class GrpcPortError(SnnDeployError):
    """The gRPC port cannot be bound."""


@contextlib.asynccontextmanager
async def grpc_half(server: "InferenceServer") -> AsyncIterator[None]:
    """Serve ``inference.GRPCInferenceService`` on ``server.config.grpc_address`` (nothing if
    ``None``) while the context is open; on exit stop reading streams, answer every request read
    and end every call (at most ``DRAIN_GRACE_S`` seconds)."""
    address = server.config.grpc_address
    if address is None:
        yield
        return
    service = GrpcService(server)
    options = [
        ("grpc.so_reuseport", 0),  # a port in use is an error, not shared with another server
        ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ]
    grpc_server = grpc.aio.server(options=options)
    grpc_server.add_generic_rpc_handlers((service.handler(),))
    try:
        grpc_server.add_insecure_port(address)
    except RuntimeError as error:
        raise GrpcPortError(f"gRPC: cannot listen on {address} ({error}); choose --grpc-port or --no-grpc") from None
    await grpc_server.start()
    LOGGER.info("grpc listening", extra={"address": address})
    try:
        yield
    finally:
        await service.drain()
        await grpc_server.stop(DRAIN_GRACE_S)
