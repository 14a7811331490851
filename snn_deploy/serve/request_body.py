"""Reading a request body within a size limit: a declared ``Content-Length`` over it is refused
before anything is read, a streamed (chunked) body as soon as it passes it."""

from starlette.requests import Request

from snn_deploy.serve.protocol_error import ProtocolError


def _too_large(size: str, limit: int) -> ProtocolError:
    return ProtocolError(413, f"the request body of {size} is over the limit of {limit} bytes (--max-body-bytes)")


async def read_body(request: Request, limit: int) -> bytes:
    """The body of ``request``, at most ``limit`` bytes (more is a 413 :class:`ProtocolError`)."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and (len(declared) > 18 or int(declared) > limit):
        raise _too_large(f"{declared} bytes", limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(f"more than {limit} bytes", limit)
        chunks.append(chunk)
    return b"".join(chunks)
