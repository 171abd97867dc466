"""The sync pipeline: sends with an ``httpx.Client``.

It cannot interrupt a blocked socket read, so it gives each network operation no more than
the time left of the call's deadline and checks the deadline between body chunks (see the
limits in :mod:`.pipeline`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from .attempts import transport_error
from .calls import DEFAULT_TIMEOUT, ApiRequest, ClientSettings
from .cookies import SdkClient
from .deadline import Deadline, DeadlineBody
from .options import RequestOptions
from .pipeline_base import PipelineBase
from .request_building import Budget
from .responses import read_capped, release_deadline
from .retry import RetryPolicy
from .streams import ByteStream
from .transports import LazyTransport, environment_names_a_proxy

__all__ = ["SyncPipeline"]

T = TypeVar("T")
R = TypeVar("R")


class SyncPipeline(PipelineBase):
    """Sends :class:`ApiRequest` calls with an ``httpx.Client``.

    Attributes:
        sleep: how retries wait; replace it in tests so they never really sleep.
    """

    def __init__(
        self,
        settings: ClientSettings,
        http_client: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(settings, retry)
        self._owns_http = http_client is None
        timeout = settings.timeout if settings.timeout is not None else DEFAULT_TIMEOUT
        if http_client is not None:
            self.http = http_client
        elif environment_names_a_proxy():  # httpx's own transports, routed as it names
            self.http = SdkClient(timeout=timeout)
        else:
            self.http = SdkClient(timeout=timeout, transport=LazyTransport())
        self.sleep: Callable[[float], None] = time.sleep
        self._prepare_transport(self.http)

    def request(self, call: ApiRequest[T], options: RequestOptions | None = None) -> T:
        """Send the call (with retries) and parse the response, all within the call's timeout.

        Raises:
            ApiError: a non-2xx status (the subclass for its status) or an unreadable body;
                :class:`RedirectError` for a redirect that is not followed.
            ApiConnectionError: no response (``ApiTimeoutError`` for timeouts, with
                ``deadline`` set when the call's total timeout ran out).
            AmbiguousRequestError: a POST or PATCH without an idempotency key may or may
                not have been carried out; it was not resent.
        """
        options = options or {}
        response = self._send(call, options, self._budget(options), stream=False)
        return self._parse(call, response, options)

    def request_raw(
        self,
        call: ApiRequest[T],
        options: RequestOptions | None,
        wrap: Callable[[httpx.Response, T], R],
    ) -> R:
        """As :meth:`request`, but ``wrap(response, result)`` is returned (status and headers)."""
        options = options or {}
        response = self._send(call, options, self._budget(options), stream=False)
        return wrap(response, self._parse(call, response, options))

    def stream(self, call: ApiRequest[Any], options: RequestOptions | None = None) -> ByteStream:
        """Send the call now and return its body as a byte stream (errors raise here).

        The call's timeout covers getting the response (an error's body included); the
        stream's body is read at the caller's pace, each read bounded by the timeout.
        """
        options = options or {}
        budget = self._budget(options)
        response = self._send(call, options, budget, stream=True)
        if not response.is_success:
            try:
                _bound_body(response, budget.deadline)
                content = read_capped(response.iter_bytes())
            except httpx.TransportError as exc:
                raise transport_error(exc, budget.deadline) from exc
            finally:
                response.close()
            raise self._error(response, content)
        release_deadline(response)
        return ByteStream(response, options.get("chunk_size"))

    def _send(
        self, call: ApiRequest[Any], options: RequestOptions, budget: Budget, *, stream: bool
    ) -> httpx.Response:
        deadline = budget.deadline
        attempt = 0
        while True:
            request = self._build(call, options, budget)
            self._out_of_time(request, deadline)
            try:
                response = self._send_following_redirects(request, deadline, stream=stream)
            except httpx.TransportError as exc:
                delay = self._retry_delay_for_error(call, exc, options, attempt, deadline)
                if delay is None:
                    raise self._failure(call, exc, options, deadline) from exc
                self._log_retry(call, type(exc).__name__, delay, attempt)
            else:
                delay = self._retry_delay_for_response(call, response, options, attempt, deadline)
                if delay is None:
                    return response
                response.close()
                self._log_retry(call, f"HTTP {response.status_code}", delay, attempt)
            self.sleep(delay)
            attempt += 1

    def _send_following_redirects(
        self, request: httpx.Request, deadline: Deadline | None, *, stream: bool
    ) -> httpx.Response:
        first = request
        auth = self._auth
        visited = [request.url]
        while True:
            started = time.perf_counter()
            response = self.http.send(request, auth=auth, follow_redirects=False, stream=True)
            try:
                if not stream:
                    _bound_body(response, deadline)
                    response.read()
                self._log_response(request, response, started)
                hop = self._redirect(response, first, auth, visited)
            except BaseException:
                response.close()
                raise
            if hop is None:
                return response
            response.close()
            request, auth = hop
            visited.append(request.url)

    def close(self) -> None:
        """Close the HTTP client if this pipeline created it (an injected one stays open)."""
        if self._owns_http:
            self.http.close()


def _bound_body(response: httpx.Response, deadline: Deadline | None) -> None:
    """Make reading this response's body stop at the first chunk after the deadline."""
    if deadline is not None and isinstance(response.stream, httpx.SyncByteStream):
        response.stream = DeadlineBody(response.stream, deadline, response.request)
