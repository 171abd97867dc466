"""The async pipeline: sends with an ``httpx.AsyncClient``.

It cancels an attempt when the call's deadline passes, and admits at most
``MAX_CONCURRENT_SENDS`` sends at once, the size of its connection pool.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import httpx

from .attempts import transport_error
from .calls import DEFAULT_TIMEOUT, ApiRequest, ClientSettings
from .cookies import SdkAsyncClient
from .deadline import Deadline, DeadlinePassed
from .options import RequestOptions
from .pipeline_base import PipelineBase
from .request_building import Budget
from .responses import aread_capped, release_deadline
from .retry import RetryPolicy
from .streams import AsyncByteStream
from .transports import LazyAsyncTransport, environment_names_a_proxy
from .waiter import async_sleep

__all__ = ["ASYNC_POOL_LIMITS", "MAX_CONCURRENT_SENDS", "AsyncPipeline"]

T = TypeVar("T")
R = TypeVar("R")

#: httpcore's async pool rescans every connection for every queued request, so a large pool
#: costs more CPU than it saves under many concurrent calls (measured: 100 connections took
#: 3x the client CPU of 20 for 200 concurrent executions). One API needs few connections.
ASYNC_POOL_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=20)
MAX_CONCURRENT_SENDS = 20


def _mark_sniffio_absent() -> None:
    """Let httpcore's per-lock ``import sniffio`` fail fast when sniffio is not installed.

    httpcore imports sniffio every time it sets up a lock; when the package is absent each
    attempt searches every ``sys.path`` entry again (about 0.2 ms), which dominated the cost
    of many concurrent requests. Recording the absence makes the failed import immediate.
    """
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


class AsyncPipeline(PipelineBase):
    """Sends :class:`ApiRequest` calls with an ``httpx.AsyncClient``.

    Attributes:
        sleep: how retries wait; replace it in tests so they never really sleep.
    """

    def __init__(
        self,
        settings: ClientSettings,
        http_client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(settings, retry)
        _mark_sniffio_absent()
        self._owns_http = http_client is None
        timeout = settings.timeout if settings.timeout is not None else DEFAULT_TIMEOUT
        if http_client is not None:
            self.http = http_client
        elif environment_names_a_proxy():  # httpx's own transports, routed as it names
            self.http = SdkAsyncClient(timeout=timeout, limits=ASYNC_POOL_LIMITS)
        else:
            self.http = SdkAsyncClient(
                timeout=timeout, transport=LazyAsyncTransport(limits=ASYNC_POOL_LIMITS)
            )
        self.sleep: Callable[[float], Coroutine[Any, Any, None]] = async_sleep
        self._gate: tuple[Any, Any] | None = None
        self._prepare_transport(self.http)

    def _in_flight(self) -> Any:
        """A semaphore admitting as many concurrent sends as the pool has connections.

        Requests beyond that wait here, cheaply, instead of in httpcore's pool, whose queue
        handling costs CPU in proportion to queued requests times connections. One per
        event loop, since asyncio primitives belong to the loop that first used them.
        """
        import asyncio

        loop = asyncio.get_running_loop()
        if self._gate is None or self._gate[0] is not loop:
            self._gate = (loop, asyncio.Semaphore(MAX_CONCURRENT_SENDS))
        return self._gate[1]

    async def request(self, call: ApiRequest[T], options: RequestOptions | None = None) -> T:
        """Send the call (with retries) and parse the response; as :meth:`SyncPipeline.request`."""
        options = options or {}
        response = await self._send(call, options, self._budget(options), stream=False)
        return self._parse(call, response, options)

    async def request_raw(
        self,
        call: ApiRequest[T],
        options: RequestOptions | None,
        wrap: Callable[[httpx.Response, T], R],
    ) -> R:
        """As :meth:`request`, but ``wrap(response, result)`` is returned (status and headers)."""
        options = options or {}
        response = await self._send(call, options, self._budget(options), stream=False)
        return wrap(response, self._parse(call, response, options))

    def stream(
        self, call: ApiRequest[Any], options: RequestOptions | None = None
    ) -> AsyncByteStream:
        """A byte stream of the body; the request is sent when the stream is awaited or iterated.

        The call's timeout runs from then and covers getting the response (an error's body
        included); the body is read at the caller's pace, each read bounded by the timeout.
        """
        options = options or {}

        async def open_response() -> httpx.Response:
            budget = self._budget(options)
            response = await self._send(call, options, budget, stream=True)
            if not response.is_success:
                try:
                    content = await _bounded(
                        aread_capped(response), budget.deadline, response.request
                    )
                except httpx.TransportError as exc:
                    raise transport_error(exc, budget.deadline) from exc
                finally:
                    await response.aclose()
                raise self._error(response, content)
            release_deadline(response)
            return response

        return AsyncByteStream(open_response, options.get("chunk_size"))

    async def _send(
        self, call: ApiRequest[Any], options: RequestOptions, budget: Budget, *, stream: bool
    ) -> httpx.Response:
        deadline = budget.deadline
        attempt = 0
        while True:
            request = self._build(call, options, budget)
            self._out_of_time(request, deadline)
            try:
                response = await _bounded(
                    self._send_following_redirects(request, stream=stream), deadline, request
                )
            except httpx.TransportError as exc:
                delay = self._retry_delay_for_error(call, exc, options, attempt, deadline)
                if delay is None:
                    raise self._failure(call, exc, options, deadline) from exc
                self._log_retry(call, type(exc).__name__, delay, attempt)
            else:
                delay = self._retry_delay_for_response(call, response, options, attempt, deadline)
                if delay is None:
                    return response
                await response.aclose()
                self._log_retry(call, f"HTTP {response.status_code}", delay, attempt)
            await self.sleep(delay)
            attempt += 1

    async def _send_following_redirects(
        self, request: httpx.Request, *, stream: bool
    ) -> httpx.Response:
        first = request
        auth = self._auth
        visited = [request.url]
        while True:
            started = time.perf_counter()
            async with self._in_flight():
                response = await self.http.send(
                    request, auth=auth, follow_redirects=False, stream=True
                )
                try:
                    if not stream:
                        await response.aread()
                except BaseException:
                    await response.aclose()
                    raise
            try:
                self._log_response(request, response, started)
                hop = self._redirect(response, first, auth, visited)
            except BaseException:
                await response.aclose()
                raise
            if hop is None:
                return response
            await response.aclose()
            request, auth = hop
            visited.append(request.url)

    async def close(self) -> None:
        """Close the HTTP client if this pipeline created it (an injected one stays open)."""
        if self._owns_http:
            await self.http.aclose()


async def _bounded(work: Awaitable[T], deadline: Deadline | None, request: httpx.Request) -> T:
    """Await ``work``, cancelled when the deadline passes (then :class:`DeadlinePassed`)."""
    if deadline is None:
        return await work
    import asyncio

    try:
        if sys.version_info >= (3, 11):
            async with asyncio.timeout(deadline.remaining()):
                return await work
        return await asyncio.wait_for(work, deadline.remaining())
    except TimeoutError as exc:  # asyncio's; httpx's timeouts are not TimeoutError
        raise DeadlinePassed("cancelled when the deadline passed", request=request) from exc
