"""httpx transports that open their connection pool on the first request.

A client the SDK makes for you gets one of these instead of httpx's default transport, which
loads the system's certificate store into an SSL context when it is built: about 30 ms, a
fifth of what constructing a first client cost. Built on first use (once, under a lock),
the real transport is httpx's own with httpx's defaults, so requests go out exactly as
before, except that its plain TCP connections read up to 1 MiB at a time
(:mod:`.wide_reads`); closing one that never sent anything does nothing.

httpx mounts the proxies the environment names (``HTTPS_PROXY``, ``ALL_PROXY``, …, with
``NO_PROXY``) only for a client given no transport of its own, so when the environment names
one the SDK makes its clients as httpx's defaults instead (:func:`environment_names_a_proxy`).
"""

from __future__ import annotations

import os
import threading
from types import TracebackType
from typing import Any

import httpx

__all__ = ["LazyAsyncTransport", "LazyTransport", "environment_names_a_proxy"]

#: The variables httpx reads proxies from (in either case).
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")


def environment_names_a_proxy() -> bool:
    """Whether a proxy variable is set (then a client the SDK makes is httpx's default, which
    routes through it)."""
    return any(os.environ.get(name) or os.environ.get(name.upper()) for name in PROXY_VARIABLES)


class LazyTransport(httpx.BaseTransport):
    """``httpx.HTTPTransport(**options)`` with wide reads, built when the first request is sent."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._transport: httpx.HTTPTransport | None = None
        self._lock = threading.Lock()

    def _real(self) -> httpx.HTTPTransport:
        if self._transport is None:
            with self._lock:
                if self._transport is None:
                    # Imported here: httpcore loads with the first request, as in httpx.
                    from .wide_reads import widen_reads

                    self._transport = widen_reads(httpx.HTTPTransport(**self._options))
        return self._transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through the real transport."""
        return self._real().handle_request(request)

    def close(self) -> None:
        """Close the real transport, if there is one."""
        if self._transport is not None:
            self._transport.close()

    def __exit__(
        self,
        kind: type[BaseException] | None = None,
        error: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        self.close()


class LazyAsyncTransport(httpx.AsyncBaseTransport):
    """``httpx.AsyncHTTPTransport(**options)`` with wide reads, built when the first request
    is sent (on the event loop's thread: no lock needed)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._transport: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through the real transport."""
        if self._transport is None:
            from .wide_reads import widen_async_reads

            self._transport = widen_async_reads(httpx.AsyncHTTPTransport(**self._options))
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the real transport, if there is one."""
        if self._transport is not None:
            await self._transport.aclose()
