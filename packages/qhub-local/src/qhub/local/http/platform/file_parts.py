"""The ``file`` part of a ``multipart/form-data`` request, streamed: the one way the Platform
routes take uploads (data pool files, managed services' sources, OpenAPI documents).

The rest of a refused body is read and dropped (up to :data:`DRAIN_LIMIT`), so the client,
still sending, gets the answer instead of a reset connection.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from ...domain import BadRequest, DomainError, PayloadTooLarge
from .datapool_upload import MultipartParser, PartContent, PartEnd, PartStart, boundary_of

__all__ = ["DRAIN_LIMIT", "ENVELOPE_BYTES", "FIELD", "drain", "open_multipart", "receive_file"]

#: What a multipart body may carry besides the file (part headers, other small fields).
ENVELOPE_BYTES = 64 << 10
#: How much of a refused body is still read (and dropped) before the answer.
DRAIN_LIMIT = 1 << 30
FIELD = "file"

#: Called when the file part starts, with its file name and content type (when given).
Begin = Callable[[str | None, str | None], None]


async def open_multipart(request: Request, limit: int) -> MultipartParser:
    """A parser for the request's multipart body.

    Raises:
        UnsupportedMediaType: the body is not ``multipart/form-data``.
        BadRequest: no boundary.
        PayloadTooLarge: the declared length is over ``limit`` plus the envelope.
    """
    try:
        boundary = boundary_of(request.headers.get("content-type", ""))
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit + ENVELOPE_BYTES:
            raise PayloadTooLarge(f"the body is {declared} bytes; the file may have {limit}")
    except DomainError:
        await drain(request)
        raise
    return MultipartParser(boundary)


async def receive_file(
    request: Request, parser: MultipartParser, begin: Begin, write: Callable[[bytes], None]
) -> None:
    """Stream the body's ``file`` part into ``write`` (other parts are skipped).

    Raises:
        BadRequest: a malformed body, or one without a ``file`` part.
        DomainError: whatever ``begin`` or ``write`` raise (the body is drained first).
    """
    state = "before"  # -> "in" (the file part) -> "after"
    try:
        async for chunk in request.stream():
            for event in parser.feed(chunk):
                if isinstance(event, PartStart) and event.name == FIELD and state == "before":
                    begin(event.filename, event.content_type)
                    state = "in"
                elif isinstance(event, PartContent) and state == "in":
                    write(event.data)
                elif isinstance(event, PartEnd) and state == "in":
                    state = "after"
        parser.close()
    except DomainError:
        await drain(request)
        raise
    if state == "before":
        raise BadRequest(f"the multipart body has no {FIELD!r} part")


async def drain(request: Request) -> None:
    """Read what is left of the body (up to :data:`DRAIN_LIMIT`) and drop it."""
    left = DRAIN_LIMIT
    try:
        async for chunk in request.stream():
            left -= len(chunk)
            if left < 0:
                return
    except RuntimeError:  # the stream was consumed already
        return
