"""Byte streams for downloads: the request is already answered, bytes arrive as you iterate.

Both close the connection when exhausted, on ``close()``, or when used as context managers.

Timeouts: the call's ``timeout`` is the deadline for getting the response (status and
headers); the body is then read at the caller's pace, so a long download is not bounded by
that deadline, but each read still is: a server silent for longer than ``timeout`` makes
iteration raise :class:`~.errors.ApiTimeoutError` (``deadline`` is ``None``). A broken
connection raises :class:`~.errors.ApiConnectionError`. Both are also httpx exceptions.

Without a ``chunk_size``, a body of known length from a connection the SDK opened is read
straight from the socket once h11 has nothing of it left (:mod:`.direct_body`): pieces of up
to 1 MiB, as they arrive.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from .errors import error_from_transport

if TYPE_CHECKING:  # imported when a stream is made: httpcore is loaded by then, not before
    from .direct_body import AsyncDirectBody, DirectBody

__all__ = ["AsyncByteStream", "ByteStream"]


class ByteStream(Iterator[bytes]):
    """An iterator over the bytes of a response body that is already open.

    Errors for the request itself (404, 401, …) were raised when the stream was created;
    iterating can only fail on a broken or silent connection (see the module docstring).
    """

    def __init__(self, response: httpx.Response, chunk_size: int | None = None) -> None:
        self._response = response
        self._chunks = response.iter_bytes(chunk_size)
        self._direct: DirectBody | None = None
        if chunk_size is None:
            from .direct_body import DirectBody

            self._direct = DirectBody.of(response)

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (content length, content type, …)."""
        return self._response.headers

    @property
    def response(self) -> httpx.Response:
        """The underlying response (status, headers); its body is what this stream yields."""
        return self._response

    def __iter__(self) -> ByteStream:
        return self

    def __next__(self) -> bytes:
        direct = self._direct
        try:
            if direct is None:
                return next(self._chunks)
            if direct.taken_over:
                return direct.read()
            chunk = next(self._chunks)
            direct.handed_out(chunk)
            return chunk
        except httpx.TransportError as exc:
            self.close()
            raise error_from_transport(exc) from exc
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Release the connection; further iteration stops."""
        self._response.close()

    def __enter__(self) -> ByteStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncByteStream(AsyncIterator[bytes]):
    """An async iterator over a response body; ``await`` it to send the request now.

    ``stream = await client.get_result_file(...)`` raises request errors at the ``await``;
    ``async for chunk in client.get_result_file(...)`` also works and sends the request at
    the first iteration.
    """

    def __init__(
        self, open_response: Callable[[], Awaitable[httpx.Response]], chunk_size: int | None = None
    ) -> None:
        self._open_response = open_response
        self._chunk_size = chunk_size
        self._response: httpx.Response | None = None
        self._chunks: AsyncIterator[bytes] | None = None
        self._direct: AsyncDirectBody | None = None

    async def _open(self) -> AsyncByteStream:
        if self._response is None:
            self._response = await self._open_response()
            self._chunks = self._response.aiter_bytes(self._chunk_size)
            if self._chunk_size is None:
                from .direct_body import AsyncDirectBody

                self._direct = AsyncDirectBody.of(self._response)
        return self

    def __await__(self) -> Generator[Any, None, AsyncByteStream]:
        return self._open().__await__()

    @property
    def headers(self) -> httpx.Headers:
        """The response headers; only after the stream was awaited or iterated."""
        if self._response is None:
            raise RuntimeError("the stream has not been opened yet: await it first")
        return self._response.headers

    @property
    def response(self) -> httpx.Response:
        """The underlying response; only after the stream was awaited or iterated."""
        if self._response is None:
            raise RuntimeError("the stream has not been opened yet: await it first")
        return self._response

    def __aiter__(self) -> AsyncByteStream:
        return self

    async def __anext__(self) -> bytes:
        await self._open()
        assert self._chunks is not None
        direct = self._direct
        try:
            if direct is None:
                return await self._chunks.__anext__()
            if direct.taken_over:
                return await direct.read()
            chunk = await self._chunks.__anext__()
            direct.handed_out(chunk)
            return chunk
        except httpx.TransportError as exc:
            await self.aclose()
            raise error_from_transport(exc) from exc
        except BaseException:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        """Release the connection."""
        if self._response is not None:
            await self._response.aclose()

    async def __aenter__(self) -> AsyncByteStream:
        return await self._open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
