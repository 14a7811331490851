"""uvicorn's httptools protocol with deadlines: a request's headers and body must arrive within
``request_timeout_s`` of its first byte (a new connection's clock starts when it opens), its
headers within ``MAX_HEADER_BYTES``, and at most ``max_connections`` connections are open. A
connection over any of these is closed; the time the app takes to answer does not count.

uvicorn itself only times out idle keep-alive connections: without this, a client that stops
mid-headers or mid-body holds its connection (and file handle) forever.
"""

import asyncio
import logging
from typing import Callable, Optional, Type

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from snn_deploy.serve.limits import Limits

LOGGER = logging.getLogger("snn_deploy.serve")
MAX_HEADER_BYTES = 64 * 1024


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    request_timeout_s: float = 30.0
    max_connections: int = 1000

    def closed(self, reason: str) -> None:
        """Called when a connection is closed for ``reason`` (a metric's label)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._deadline: Optional[asyncio.TimerHandle] = None
        self._header_bytes: Optional[int] = None  # counted while a request's headers arrive
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            self._close("connection limit", f"{self.max_connections} connections are open")
        else:
            self._arm()

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and (self.cycle is None or self.cycle.response_complete):
            self._arm()  # the first bytes of the next request
        super().data_received(data)
        if self._header_bytes is not None:  # the headers are still incomplete after ``data``
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES:
                self._close("headers too large", f"request headers over {MAX_HEADER_BYTES} bytes")

    def on_headers_complete(self) -> None:
        self._header_bytes = None
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._header_bytes = 0
        self._deadline = self.loop.call_later(self.request_timeout_s, self._expire)

    def _disarm(self) -> None:
        self._header_bytes = None
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        self._close("request timeout", f"the request did not arrive within {self.request_timeout_s:g} s")

    def _close(self, reason: str, detail: str) -> None:
        if not self.transport.is_closing():
            self.transport.close()
            LOGGER.info("closed a connection", extra={"reason": reason, "detail": detail, "client": self.client})
            self.closed(reason)


def bounded_protocol(limits: Limits, closed: Callable[[str], None]) -> Type[BoundedHttpToolsProtocol]:
    """The protocol class for uvicorn's ``http`` option: ``limits``' timeout and connection limit,
    ``closed(reason)`` called for each connection closed."""

    class Protocol(BoundedHttpToolsProtocol):
        request_timeout_s = limits.request_timeout_s
        max_connections = limits.max_connections

        def closed(self, reason: str) -> None:
            closed(reason)

    return Protocol
