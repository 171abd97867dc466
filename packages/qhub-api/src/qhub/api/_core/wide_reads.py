"""Network streams that read the socket in 1 MiB pieces instead of httpcore's 64 KiB while
data arrives faster than that.

httpcore's HTTP/1.1 connection asks its network stream for 64 KiB at a time, and every
piece then goes through h11, httpcore and httpx in Python: for a 1 GiB download that is
16 384 trips, about half a second of interpreter time. A socket ``recv`` returns whatever has
arrived, up to the size asked for, so asking for more never waits longer; it only lets one
trip carry what has piled up in the socket's buffer. A read asks for 1 MiB only after one
that filled what httpcore asked for: a 1 MiB buffer costs a memory mapping and a page fault
(about 4 µs a read here), a waste on the few hundred bytes of a typical API response.

:func:`widen_reads` puts these streams under a connection pool the SDK made itself. Only plain
TCP (and Unix socket) streams are widened: a TLS stream is httpcore's own, untouched, since
a TLS read returns at most one 16 KiB record however much is asked for.

The streams also count their reads, which lets a download take the rest of its body straight
from the socket once h11 holds nothing of it (:mod:`.direct_body`).
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

__all__ = [
    "WIDE_READ_BYTES",
    "AsyncWideReadBackend",
    "AsyncWideReadStream",
    "WideReadBackend",
    "WideReadStream",
    "widen_async_reads",
    "widen_reads",
]

#: The most one read takes from the socket.
WIDE_READ_BYTES = 1 << 20

#: httpcore's socket options (``setsockopt`` arguments), passed through as they are.
SocketOptions = Iterable[Any]


def _read_size(asked: int, last_read: int) -> int:
    """How much to ask the socket for: wide while the data comes in piles."""
    return max(asked, WIDE_READ_BYTES) if last_read >= asked else asked


class WideReadStream(httpcore.NetworkStream):
    """A plain network stream whose reads take up to :data:`WIDE_READ_BYTES`.

    Attributes:
        reads: how many reads were made for httpcore (not by :meth:`read_exactly_up_to`).
        last_read_size: the size of the last of those reads.
    """

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner
        self.reads = 0
        self.last_read_size = 0

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Whatever has arrived: up to :data:`WIDE_READ_BYTES` after a read that filled
        ``max_bytes``, else up to ``max_bytes``."""
        data = self.inner.read(_read_size(max_bytes, self.last_read_size), timeout)
        self.reads += 1
        self.last_read_size = len(data)
        return data

    def read_exactly_up_to(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Up to ``max_bytes`` bytes and never more, without counting as one of httpcore's."""
        return self.inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Send all of ``buffer``."""
        self.inner.write(buffer, timeout)

    def close(self) -> None:
        """Close the connection."""
        self.inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        """httpcore's own TLS stream over this connection (not widened: see the module)."""
        return self.inner.start_tls(ssl_context, server_hostname, timeout)

    def get_extra_info(self, info: str) -> Any:
        """What the inner stream tells (socket, addresses, readability)."""
        return self.inner.get_extra_info(info)


class AsyncWideReadStream(httpcore.AsyncNetworkStream):
    """The async twin of :class:`WideReadStream`."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self.inner = inner
        self.reads = 0
        self.last_read_size = 0

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """As :meth:`WideReadStream.read`."""
        data = await self.inner.read(_read_size(max_bytes, self.last_read_size), timeout)
        self.reads += 1
        self.last_read_size = len(data)
        return data

    async def read_exactly_up_to(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Up to ``max_bytes`` bytes and never more, without counting as one of httpcore's."""
        return await self.inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Send all of ``buffer``."""
        await self.inner.write(buffer, timeout)

    async def aclose(self) -> None:
        """Close the connection."""
        await self.inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """httpcore's own TLS stream over this connection (not widened: see the module)."""
        return await self.inner.start_tls(ssl_context, server_hostname, timeout)

    def get_extra_info(self, info: str) -> Any:
        """What the inner stream tells (socket, addresses, readability)."""
        return self.inner.get_extra_info(info)


class WideReadBackend(httpcore.NetworkBackend):
    """Opens connections with ``inner`` and hands them out as :class:`WideReadStream`."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self.inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: SocketOptions | None = None,
    ) -> httpcore.NetworkStream:
        """A TCP connection to ``host:port``."""
        return WideReadStream(
            self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: SocketOptions | None = None
    ) -> httpcore.NetworkStream:
        """A connection to the Unix socket at ``path``."""
        return WideReadStream(self.inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        """Sleep as the inner backend does."""
        self.inner.sleep(seconds)


class AsyncWideReadBackend(httpcore.AsyncNetworkBackend):
    """The async twin of :class:`WideReadBackend`."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self.inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: SocketOptions | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """A TCP connection to ``host:port``."""
        return AsyncWideReadStream(
            await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        )

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: SocketOptions | None = None
    ) -> httpcore.AsyncNetworkStream:
        """A connection to the Unix socket at ``path``."""
        return AsyncWideReadStream(
            await self.inner.connect_unix_socket(path, timeout, socket_options)
        )

    async def sleep(self, seconds: float) -> None:
        """Sleep as the inner backend does."""
        await self.inner.sleep(seconds)


def widen_reads(transport: httpx.HTTPTransport) -> httpx.HTTPTransport:
    """Give ``transport``'s direct connections :class:`WideReadStream` s; return it.

    Only a plain connection pool is changed (not a proxy's). httpx offers no public way to
    choose the network backend of the pool it builds, so its attribute is replaced; should
    httpx or httpcore rename it, the transport is left as it was (a test pins that it works).
    """
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if type(pool) is httpcore.ConnectionPool and isinstance(backend, httpcore.NetworkBackend):
        pool._network_backend = WideReadBackend(backend)
    return transport


def widen_async_reads(transport: httpx.AsyncHTTPTransport) -> httpx.AsyncHTTPTransport:
    """The async twin of :func:`widen_reads`."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if type(pool) is httpcore.AsyncConnectionPool and isinstance(
        backend, httpcore.AsyncNetworkBackend
    ):
        pool._network_backend = AsyncWideReadBackend(backend)
    return transport
