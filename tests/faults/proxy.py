"""A loopback HTTP/1.1 proxy that injects faults into a chosen share of requests.

Put it between a client and a local Hub (``FaultProxy(hub_url, share=0.1, seed=7)``, then
point the client at ``proxy.url``): each request it receives is, with probability ``share``,
given one of the faults in ``faults`` instead of a plain pass-through:

========================  ==============================================================
``reset_before``          the connection is reset before the request is forwarded
``reset_after``           the request is forwarded and answered, then the client's
                          connection is reset without the answer
``delay``                 the request waits ``delay`` seconds, then passes through
``unavailable``           503 without forwarding (a refusal, no ``Retry-After``)
``server_error``          the request is forwarded, its answer replaced by 500, 502 or 504
``rate_limited``          429 with ``Retry-After`` (and ``retry-after-ms``), not forwarded
``truncated``             the request is forwarded and the answer cut short: the head and
                          half of the body, then the connection is closed
========================  ==============================================================

Decisions come from ``random.Random(seed)`` in the order requests arrive, so a run with the
same seed and the same order of requests injects the same faults (concurrent clients may
interleave differently). ``injected`` counts each fault by (method, kind); ``forwarded``
counts requests the Hub received. Only what the tests need of HTTP/1.1 is spoken: bodies
framed by ``Content-Length`` from the client; from the Hub, ``Content-Length``, chunked or
close-delimited bodies, relayed with ``Content-Length``.

Standard library only; the proxy runs its own event loop on a thread, so sync and async tests
use it alike.
"""

from __future__ import annotations

import asyncio
import collections
import random
import socket
import struct
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["FAULTS", "FaultProxy"]

FAULTS = (
    "reset_before",
    "reset_after",
    "delay",
    "unavailable",
    "server_error",
    "rate_limited",
    "truncated",
)
#: The statuses a ``server_error`` answers with: none says whether the work was done.
SERVER_ERRORS = (500, 502, 504)

#: Which requests may be given a fault: (method, path) → whether.
Selector = Callable[[str, str], bool]


def _anything(method: str, path: str) -> bool:
    return True


@dataclass(frozen=True)
class _Fault:
    kind: str
    status: int


@dataclass
class _Request:
    method: str
    path: str
    head: bytes
    body: bytes


class FaultProxy:
    """A fault-injecting proxy in front of ``upstream`` (``http://host:port``).

    Args:
        upstream: the server's base URL (its scheme, host and port are used).
        share: the probability that a request gets a fault, in [0, 1].
        faults: the kinds to choose from (see the module docstring), uniformly.
        seed: seeds the decisions.
        delay: seconds a ``delay`` fault waits.
        applies_to: which requests may get a fault (by method and path); others pass.
    """

    def __init__(
        self,
        upstream: str,
        *,
        share: float,
        faults: Sequence[str] = FAULTS,
        seed: int = 0,
        delay: float = 0.2,
        applies_to: Selector = _anything,
    ) -> None:
        unknown = set(faults) - set(FAULTS)
        if unknown or not faults:
            raise ValueError(f"faults must be some of {FAULTS}, not {sorted(unknown)}")
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"share must be in [0, 1], not {share}")
        parts = urlsplit(upstream)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.share = share
        self.faults = tuple(faults)
        self.delay = delay
        self.applies_to = applies_to
        self._random = random.Random(seed)
        self.injected: collections.Counter[tuple[str, str]] = collections.Counter()
        self.requests = 0
        self.forwarded = 0
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy")
        self.port = 0

    @property
    def url(self) -> str:
        """The proxy's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def rewrite(self, url: str) -> str:
        """``url`` of the upstream, sent through the proxy instead."""
        parts = urlsplit(url)
        return parts._replace(netloc=f"127.0.0.1:{self.port}").geturl()

    def count(self, kind: str, method: str | None = None) -> int:
        """How many faults of ``kind`` were injected (into ``method`` requests only)."""
        return sum(n for (m, k), n in self.injected.items() if k == kind and method in (None, m))

    def start(self) -> FaultProxy:
        """Listen on a free loopback port."""
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(self._listen(), self._loop)
        self.port = started.result(timeout=10)
        return self

    def stop(self) -> None:
        """Stop listening and close every connection."""

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- serving --------------------------------------------------------------------------

    async def _listen(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=1024)
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    def _decide(self, request: _Request) -> _Fault | None:
        self.requests += 1
        # The same draws for every request whatever the outcome, so that one request's
        # selector does not shift the faults of the requests after it.
        hit = self._random.random()
        kind = self.faults[self._random.randrange(len(self.faults))]
        status = SERVER_ERRORS[self._random.randrange(len(SERVER_ERRORS))]
        if hit >= self.share or not self.applies_to(request.method, request.path):
            return None
        self.injected[(request.method, kind)] += 1
        return _Fault(kind, status)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                fault = self._decide(request)
                if not await self._answer(request, fault, writer):
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()

    async def _answer(
        self, request: _Request, chosen: _Fault | None, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request (with its fault); whether the connection stays open."""
        fault = chosen.kind if chosen is not None else None
        if fault == "reset_before":
            _reset(writer)
            return False
        if fault == "unavailable":
            await _send(writer, _response(503, b'{"message":"unavailable (injected)"}'))
            return True
        if fault == "rate_limited":
            headers = {"Retry-After": "1", "retry-after-ms": "20"}
            await _send(writer, _response(429, b'{"message":"slow down (injected)"}', headers))
            return True
        if fault == "delay":
            await asyncio.sleep(self.delay)
        status, headers, body = await self._forward(request)
        if fault == "reset_after":
            _reset(writer)
            return False
        if chosen is not None and fault == "server_error":
            await _send(writer, _response(chosen.status, b'{"message":"failed (injected)"}'))
            return True
        answer = _response(status, body, headers)
        if fault == "truncated" and body:
            await _send(writer, answer[: len(answer) - (len(body) + 1) // 2])
            writer.close()
            return False
        await _send(writer, answer)
        return True

    async def _forward(self, request: _Request) -> tuple[int, dict[str, str], bytes]:
        """Send the request to the upstream on a connection of its own; its answer."""
        self.forwarded += 1
        reader, writer = await asyncio.open_connection(*self._upstream)
        try:
            writer.write(request.head + request.body)
            await writer.drain()
            return await _read_response(reader)
        finally:
            writer.close()


# -- HTTP/1.1, as little as the tests need ---------------------------------------------------


def _headers(lines: list[bytes]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        name, _, value = line.decode("latin-1").partition(":")
        found[name.strip().lower()] = value.strip()
    return found


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None  # the client closed its connection between requests
    lines = head.split(b"\r\n")
    method, path, _ = lines[0].decode("latin-1").split(" ", 2)
    headers = _headers([line for line in lines[1:] if line])
    if "transfer-encoding" in headers:
        raise ConnectionError("chunked request bodies are not supported by the fault proxy")
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    # The upstream connection carries this one request: it closes after its answer.
    kept = [
        line
        for line in lines[1:]
        if line and not line.lower().startswith((b"connection:", b"keep-alive:"))
    ]
    rebuilt = b"\r\n".join([lines[0], *kept, b"Connection: close", b"", b""])
    return _Request(method, path, rebuilt, body)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers = _headers([line for line in lines[1:] if line])
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            body += await reader.readexactly(size + 2)
            del body[-2:]
            if size == 0:
                await reader.read()  # trailers, then the close
                break
        return status, headers, bytes(body)
    if "content-length" in headers:
        return status, headers, await reader.readexactly(int(headers["content-length"]))
    return status, headers, await reader.read()


def _response(status: int, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    kept = {
        name: value
        for name, value in (headers or {"content-type": "application/json"}).items()
        if name.lower() not in ("content-length", "transfer-encoding", "connection", "date")
    }
    lines = [f"HTTP/1.1 {status} Status"]
    lines += [f"{name}: {value}" for name, value in kept.items()]
    lines += [f"content-length: {len(body)}", "", ""]
    return "\r\n".join(lines).encode("latin-1") + body


async def _send(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(data)
    await writer.drain()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (linger 0), as a crashed peer or middlebox would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
