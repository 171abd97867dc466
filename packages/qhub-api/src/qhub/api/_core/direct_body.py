"""A download's body read straight from the socket once h11 holds none of it.

Every piece of a body httpx hands out has been copied three times in Python on its way
(into h11's buffer, out of it, and into ``bytes``); for a 1 GiB file that is a quarter of a
second of copying. A body of known length without content coding needs none of it: once
h11 has handed out every byte it received, the rest of the body is exactly the next
``Content-Length - received`` bytes on the connection, and can be read from it directly.

When h11 holds nothing is known without looking inside it: h11 reads from the network only
when its buffer holds no more of the body, and the :class:`.WideReadStream` counts those
reads. So once the bytes handed out since the last read add up to that read's size, h11 is
empty. Until then (and for any body that is chunked, compressed or of a size not given) the
body comes through httpx as before.

A body read this way leaves h11 believing the response unfinished, so httpcore closes the
connection when the response is closed instead of reusing it: one new connection for the
next call, nothing against a large download.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpcore
import httpx

from .wide_reads import WIDE_READ_BYTES, AsyncWideReadStream, WideReadStream

__all__ = ["AsyncDirectBody", "DirectBody"]


class _BodyAccount:
    """How much of a body is left, and whether h11 holds any of it (no I/O)."""

    def __init__(
        self, network: WideReadStream | AsyncWideReadStream, length: int, request: httpx.Request
    ) -> None:
        self.request = request
        self.length = length
        self.remaining = length
        self.taken_over = False
        self._network = network
        self._reads_seen = network.reads
        # Bytes handed out since h11's last read (None: no read seen yet, or unsure).
        self._since_read: int | None = None

    def handed_out(self, chunk: bytes) -> None:
        """Count a chunk httpx handed out; take over once h11 holds none of the body."""
        self.remaining -= len(chunk)
        reads = self._network.reads
        if reads == self._reads_seen + 1:
            self._since_read = len(chunk)
        elif reads != self._reads_seen:
            self._since_read = None  # several reads for one chunk: no longer sure, stay out
        elif self._since_read is not None:
            self._since_read += len(chunk)
        self._reads_seen = reads
        size = self._network.last_read_size
        self.taken_over = self.remaining > 0 and size > 0 and self._since_read == size

    def read_size(self) -> int:
        """How much the next direct read may take: never past the end of the body."""
        return min(self.remaining, WIDE_READ_BYTES)

    def timeout(self) -> float | None:
        """The read timeout the request carries (looked up per read, as it may change)."""
        timeouts = self.request.extensions.get("timeout") or {}
        read: float | None = timeouts.get("read")
        return read

    def received(self, data: bytes) -> bytes:
        """Count ``data`` read directly; a connection closed early is an error."""
        if not data:
            raise httpx.RemoteProtocolError(
                "the server closed the connection before the end of the body "
                f"(received {self.length - self.remaining} of {self.length} bytes)",
                request=self.request,
            )
        self.remaining -= len(data)
        return data

    @contextmanager
    def httpx_errors(self) -> Iterator[None]:
        """Raise httpcore's read failures as the httpx errors httpx itself would raise."""
        try:
            yield
        except httpcore.TimeoutException as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out", request=self.request) from exc
        except httpcore.ProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc), request=self.request) from exc
        except (httpcore.NetworkError, OSError) as exc:
            raise httpx.ReadError(str(exc) or type(exc).__name__, request=self.request) from exc


def _length(response: httpx.Response) -> int | None:
    """The body's length when it may be read directly: identity coding, a Content-Length."""
    headers = response.headers
    if "transfer-encoding" in headers or headers.get("content-encoding", "identity") != "identity":
        return None
    if response.request.method == "HEAD" or response.http_version != "HTTP/1.1":
        return None
    try:
        length = int(headers.get("content-length", ""))
    except ValueError:
        return None
    return length if length > 0 else None


class DirectBody(_BodyAccount):
    """The rest of a response body, read straight from its :class:`.WideReadStream`."""

    _network: WideReadStream

    @classmethod
    def of(cls, response: httpx.Response) -> DirectBody | None:
        """One for ``response`` if its body may be read directly, else ``None``."""
        network = response.extensions.get("network_stream")
        length = _length(response)
        if not isinstance(network, WideReadStream) or length is None:
            return None
        return cls(network, length, response.request)

    def read(self) -> bytes:
        """The next piece of the body.

        Raises:
            StopIteration: the body is complete.
            httpx.TransportError: the connection failed, timed out or closed early.
        """
        if self.remaining <= 0:
            raise StopIteration
        with self.httpx_errors():
            data = self._network.read_exactly_up_to(self.read_size(), self.timeout())
        return self.received(data)


class AsyncDirectBody(_BodyAccount):
    """The async twin of :class:`DirectBody`."""

    _network: AsyncWideReadStream

    @classmethod
    def of(cls, response: httpx.Response) -> AsyncDirectBody | None:
        """One for ``response`` if its body may be read directly, else ``None``."""
        network = response.extensions.get("network_stream")
        length = _length(response)
        if not isinstance(network, AsyncWideReadStream) or length is None:
            return None
        return cls(network, length, response.request)

    async def read(self) -> bytes:
        """The next piece of the body; raises ``StopAsyncIteration`` when it is complete."""
        if self.remaining <= 0:
            raise StopAsyncIteration
        with self.httpx_errors():
            data = await self._network.read_exactly_up_to(self.read_size(), self.timeout())
        return self.received(data)
