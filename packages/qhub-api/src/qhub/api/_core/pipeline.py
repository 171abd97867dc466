"""The one request pipeline shared by all four API clients, sync and async.

A resource method describes its call as an :class:`ApiRequest` (method, encoded path, query,
body, the type to parse into) and hands it to :meth:`SyncPipeline.request` /
:meth:`AsyncPipeline.request`. Everything else happens here, once: URL building, headers,
credentials (an ``httpx.Auth`` per attempt), the call's deadline, retries, redirects, error
mapping and response parsing. The two pipelines share every decision through
:class:`_PipelineBase` and differ only where they send, sleep and enforce the deadline.

Deadline: the ``timeout`` (client setting, or ``request_options["timeout"]`` for one call)
is the total budget of a call, in seconds: every attempt, every retry wait and reading the
response body must fit in it (see :mod:`.deadline`). When it runs out the call raises
:class:`ApiTimeoutError` with ``deadline`` set. A retry whose wait (backoff or
``Retry-After``) would end past it is not made: the last response's error (or the last
connection error) is raised at once. The async pipeline cancels the attempt when the
deadline passes. The sync one cannot interrupt a blocked socket read, so it gives each
network operation no more than the time left and checks the deadline between body chunks:
a trickling body ends at the first chunk after the deadline. Its limits: httpcore fixes
the read timeout when it starts reading the headers or the body, so a silence within the
body is bounded by the time that was left when the body began, and headers trickled a byte
at a time are only cut once they are complete. For a download (:class:`ByteStream`) the deadline covers
getting the response (status and headers, or the whole error body); the body is then read
at the caller's pace, each read bounded by ``timeout`` but not the whole download. An
injected ``httpx_client`` without ``timeout`` keeps its own per-operation timeouts and the
call has no total deadline.

Retries follow :mod:`.retry`. A POST or PATCH without an idempotency key is never resent
after it may have been carried out: a broken connection after it was sent raises
:class:`AmbiguousRequestError`, and a 500, 502, 504 or 408 answer raises its status error
(``InternalServerError``, …) at once, as the vendor's SDK does. With a key, the same
failures are retried like any other, the key sent on every attempt.

Redirects (when ``follow_redirects``): GET and HEAD follow any redirect, and credentials
never go to another origin; other methods follow only a 307 or 308 to the same origin (the
method and body are kept). A 301/302/303 answer to a POST, PUT, PATCH or DELETE, a 307/308
to another origin for them, a loop or more than ``MAX_REDIRECTS`` hops raise
:class:`RedirectError`.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, NamedTuple, TypeVar, cast

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from .auth import CREDENTIAL_HEADERS, StaticHeaderAuth
from .deadline import Deadline, DeadlineBody, DeadlinePassed, OperationTimeouts
from .encoding import encode_json, encode_query, join_url
from .errors import (
    ApiConnectionError,
    ApiError,
    ParsingError,
    RedirectError,
    ambiguous_from_transport,
    error_from_response,
    error_from_transport,
)
from .logs import RequestLogger
from .options import NOT_GIVEN, RequestOptions
from .retry import RetryPolicy
from .streams import AsyncByteStream, ByteStream
from .waiter import async_sleep

__all__ = ["ApiRequest", "AsyncPipeline", "ClientSettings", "SyncPipeline", "user_agent"]

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
MAX_REDIRECTS = 20
MAX_ERROR_BODY_BYTES = 1 << 20
#: Methods a 301/302/303 may turn into a GET without changing what the call means.
SAFE_METHODS = frozenset({"GET", "HEAD"})
#: The redirects that must repeat the method and body as they are.
KEEPS_METHOD_REDIRECTS = frozenset({307, 308})
#: A timeout that fires this close to the deadline was caused by the deadline's cut.
DEADLINE_SLACK = 0.01
#: httpcore's async pool rescans every connection for every queued request, so a large pool
#: costs more CPU than it saves under many concurrent calls (measured: 100 connections took
#: 3x the client CPU of 20 for 200 concurrent executions). One API needs few connections.
ASYNC_POOL_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=20)
MAX_CONCURRENT_SENDS = 20


@lru_cache(maxsize=1)
def user_agent() -> str:
    """``qhub-api/<version> python/<version>``: identifies the SDK, not the host kernel."""
    import platform  # deferred: only needed once, not at import
    from importlib import metadata

    try:
        version = metadata.version("qhub-api")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"qhub-api/{version} python/{platform.python_version()}"


@dataclass(frozen=True)
class ApiRequest(Generic[T]):
    """One API call as a resource describes it; carries no I/O.

    Attributes:
        method: HTTP method.
        path: path relative to the base URL, segments already encoded; ``""`` is the base URL.
        response_type: what a 2xx body parses into; ``None`` for calls without a result.
        query: query parameters (encoded by :func:`encode_query`).
        body: the JSON body, or ``NOT_GIVEN`` for none.
        files: multipart/form-data parts instead of a JSON body: field name →
            ``(file name, content, content type)``.
        optional: a 204, an empty or a JSON ``null`` 2xx body yields ``None`` (errors are
            still errors).
        parse: reads a 2xx response instead of ``response_type`` (response headers for a
            HEAD, a body that may be an image or JSON).
        options: the caller's per-call ``request_options``.
    """

    method: str
    path: str
    response_type: Any = None
    query: Mapping[str, Any] | None = None
    body: Any = NOT_GIVEN
    files: Mapping[str, tuple[str, bytes, str]] | None = None
    optional: bool = False
    parse: Callable[[httpx.Response], T] | None = None
    options: RequestOptions | None = None


@dataclass
class ClientSettings:
    """What a client was constructed with, resolved once.

    Attributes:
        base_url: the API's base URL.
        auth: the credential strategy, applied to every attempt.
        headers: headers sent on every request (caller's ``headers`` included).
        timeout: the total seconds a call may take, all attempts, retry waits and the
            response body included; ``None`` (injected client only) leaves that client's own
            per-operation timeouts and sets no total.
        max_retries: retries after the first attempt.
        follow_redirects: follow 3xx responses (credentials never cross origins; see the
            module docstring for which redirects raise :class:`RedirectError`).
        logger: where request lines go.
    """

    base_url: str
    auth: httpx.Auth
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float | None = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    follow_redirects: bool = True
    logger: RequestLogger = field(default_factory=lambda: RequestLogger(None))


@lru_cache(maxsize=256)
def _adapter(response_type: Any) -> TypeAdapter[Any]:
    return TypeAdapter(response_type)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _plain(url: httpx.URL) -> str:
    return str(url.copy_with(query=None, fragment=None))


class _Budget(NamedTuple):
    """The timeouts of one call: httpx's per-operation ceilings and the total deadline."""

    ceilings: Mapping[str, float | None]
    deadline: Deadline | None


def _past_deadline(error: httpx.TransportError, deadline: Deadline | None) -> bool:
    """Whether this failure means the call's deadline ran out (not a failure of its own)."""
    if deadline is None:
        return False
    if isinstance(error, DeadlinePassed):
        return True
    slack = DEADLINE_SLACK if isinstance(error, httpx.TimeoutException) else 0.0
    return deadline.expired(slack)


def _transport_error(
    error: httpx.TransportError, deadline: Deadline | None, *, ambiguous: bool = False
) -> ApiConnectionError:
    """Our error for a failed attempt; ``ambiguous`` when the request may have been carried
    out and is not resent (:class:`AmbiguousRequestError`)."""
    seconds = deadline.seconds if deadline is not None and _past_deadline(error, deadline) else None
    if ambiguous:
        return ambiguous_from_transport(error, deadline=seconds)
    return error_from_transport(error, deadline=seconds)


def _has_key(options: RequestOptions) -> bool:
    return bool(options.get("idempotency_key"))


def _release_deadline(response: httpx.Response) -> None:
    """Let a download's body be read past the call's deadline (each read keeps its timeout)."""
    timeouts = response.request.extensions.get("timeout")
    if isinstance(timeouts, OperationTimeouts):
        timeouts.release()


class _PipelineBase:
    """Everything that does no I/O: building requests, deciding retries, reading responses."""

    def __init__(self, settings: ClientSettings, retry: RetryPolicy | None = None) -> None:
        self.settings = settings
        self.retry = retry or RetryPolicy()

    def _prepare_transport(self, http: httpx.Client | httpx.AsyncClient) -> None:
        """Precompute what every request shares: headers, timeout, and a static credential."""
        static = (
            self.settings.auth.static_headers()
            if isinstance(self.settings.auth, StaticHeaderAuth)
            else None
        )
        # A fixed credential is just a header: no per-request auth flow needed.
        self._auth: httpx.Auth | None = None if static is not None else self.settings.auth
        headers = httpx.Headers(http.headers)
        headers.update(self.settings.headers)
        headers.update(static or {})
        self._base_headers = headers
        self._default_timeout = (
            http.timeout if self.settings.timeout is None else httpx.Timeout(self.settings.timeout)
        ).as_dict()

    def _budget(self, options: RequestOptions) -> _Budget:
        """The call's timeouts: ``request_options`` timeout, else the client's."""
        seconds = options.get("timeout", options.get("timeout_in_seconds")) if options else None
        if seconds is not None:
            return _Budget(httpx.Timeout(seconds).as_dict(), Deadline(float(seconds)))
        if self.settings.timeout is not None:
            return _Budget(self._default_timeout, Deadline(self.settings.timeout))
        return _Budget(self._default_timeout, None)

    def _build(
        self, call: ApiRequest[Any], options: RequestOptions, budget: _Budget
    ) -> httpx.Request:
        headers = self._base_headers
        content: bytes | None = None
        if call.body is not NOT_GIVEN or options:
            headers = httpx.Headers(headers)
        if call.body is not NOT_GIVEN:
            body = call.body
            extra_body = options.get("additional_body_parameters")
            if extra_body and isinstance(body, Mapping):
                body = {**body, **extra_body}
            content = encode_json(body)
            headers["Content-Type"] = "application/json"
        params: list[tuple[str, Any]] = encode_query(call.query) if call.query else []
        if options:
            key = options.get("idempotency_key")
            if key:
                headers["Idempotency-Key"] = key
            extra_headers = options.get("additional_headers")
            if extra_headers:
                headers.update({k: str(v) for k, v in extra_headers.items() if v is not None})
            extra_query = options.get("additional_query_parameters")
            if extra_query:
                params.extend(encode_query(extra_query))
        timeout: Mapping[str, float | None] = budget.ceilings
        if budget.deadline is not None:
            # A fresh one per attempt: a download releases its own when the call returns.
            timeout = OperationTimeouts(budget.ceilings, budget.deadline)
        return httpx.Request(
            call.method,
            join_url(self.settings.base_url, call.path),
            params=params or None,
            content=content,
            files=dict(call.files) if call.files else None,
            headers=headers,
            extensions={"timeout": timeout},
        )

    def _max_retries(self, options: RequestOptions) -> int:
        return max(0, int(options.get("max_retries", self.settings.max_retries)))

    def _retry_delay_for_response(
        self,
        call: ApiRequest[Any],
        response: httpx.Response,
        options: RequestOptions,
        attempt: int,
        deadline: Deadline | None,
    ) -> float | None:
        """Seconds to wait before retrying this response, or ``None`` to keep it."""
        if attempt >= self._max_retries(options):
            return None
        if not self.retry.should_retry_status(
            call.method,
            response.status_code,
            idempotency_key=_has_key(options),
            headers=response.headers,
        ):
            return None
        delay = self.retry.delay(attempt, response.headers)
        return self._within_deadline(call, f"HTTP {response.status_code}", delay, deadline)

    def _failure(
        self,
        call: ApiRequest[Any],
        error: httpx.TransportError,
        options: RequestOptions,
        deadline: Deadline | None,
    ) -> ApiConnectionError:
        """The error to raise for a failed attempt that is not retried."""
        ambiguous = self.retry.is_ambiguous_error(
            call.method, error, idempotency_key=_has_key(options)
        )
        return _transport_error(error, deadline, ambiguous=ambiguous)

    def _retry_delay_for_error(
        self,
        call: ApiRequest[Any],
        error: httpx.TransportError,
        options: RequestOptions,
        attempt: int,
        deadline: Deadline | None,
    ) -> float | None:
        """Seconds to wait before retrying after a transport failure, or ``None`` to raise."""
        if attempt >= self._max_retries(options) or _past_deadline(error, deadline):
            return None
        if not self.retry.should_retry_error(call.method, error, idempotency_key=_has_key(options)):
            return None
        return self._within_deadline(
            call, type(error).__name__, self.retry.delay(attempt), deadline
        )

    def _within_deadline(
        self, call: ApiRequest[Any], reason: str, delay: float, deadline: Deadline | None
    ) -> float | None:
        """``delay``, or ``None`` when waiting that long would pass the call's deadline."""
        if deadline is None or delay < deadline.remaining():
            return delay
        self.settings.logger.log(
            logging.INFO,
            "not retrying %s %s after %s: waiting %.2f s would pass the call's %g s deadline",
            call.method,
            call.path or "/",
            reason,
            delay,
            deadline.seconds,
        )
        return None

    @staticmethod
    def _out_of_time(request: httpx.Request, deadline: Deadline | None) -> None:
        """Raise the deadline error if no time is left to start another attempt."""
        if deadline is not None and deadline.expired():
            passed = DeadlinePassed("no time left for another attempt", request=request)
            raise _transport_error(passed, deadline)

    def _redirect(
        self,
        response: httpx.Response,
        first: httpx.Request,
        auth: httpx.Auth | None,
        visited: list[httpx.URL],
    ) -> tuple[httpx.Request, httpx.Auth | None] | None:
        """The next hop of a redirect, stripped of credentials when it leaves the origin.

        Raises:
            RedirectError: the redirect would change the method of a non-GET/HEAD request,
                send its body to another origin, loop, or exceed ``MAX_REDIRECTS`` hops.
        """
        following = response.next_request
        if following is None or not self.settings.follow_redirects:
            return None
        method = response.request.method
        status = response.status_code
        leaves_origin = _origin(following.url) != _origin(first.url)

        def refuse(reason: str) -> RedirectError:
            return RedirectError(
                reason,
                method=method,
                url=str(response.request.url),
                location=str(following.url),
                status_code=status,
                headers=response.headers,
            )

        if method not in SAFE_METHODS:
            if status not in KEEPS_METHOD_REDIRECTS:
                raise refuse(
                    f"not followed, as a {status} may turn the {method} into a GET without its "
                    f"body (a {method} follows only 307 and 308 redirects)"
                )
            if leaves_origin:
                raise refuse(
                    f"not followed, as the {method} and its body would go to another origin"
                )
        if following.url in visited:
            loop = " -> ".join(_plain(url) for url in [*visited, following.url])
            raise refuse(f"a redirect loop ({loop})")
        if len(visited) > MAX_REDIRECTS:
            raise refuse(f"more than {MAX_REDIRECTS} redirects from {_plain(first.url)}")
        if leaves_origin:
            for name in CREDENTIAL_HEADERS:
                following.headers.pop(name, None)
            auth = None
        return following, auth

    def _log_response(
        self, request: httpx.Request, response: httpx.Response, started: float
    ) -> None:
        logger = self.settings.logger
        if logger.enabled_for_debug:
            logger.log(
                logging.DEBUG,
                "%s %s -> %d (%.1f ms)",
                request.method,
                request.url.copy_with(query=None),
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )

    def _log_retry(self, call: ApiRequest[Any], reason: str, delay: float, attempt: int) -> None:
        self.settings.logger.log(
            logging.INFO,
            "retrying %s %s after %s in %.2f s (retry %d)",
            call.method,
            call.path or "/",
            reason,
            delay,
            attempt + 1,
        )

    @staticmethod
    def _error(response: httpx.Response, content: bytes) -> ApiError:
        try:
            body: Any = json.loads(content) if content.strip() else None
        except ValueError:
            body = content.decode("utf-8", errors="replace")
        return error_from_response(response.status_code, response.headers, body)

    def _parse(self, call: ApiRequest[T], response: httpx.Response, options: RequestOptions) -> T:
        content = response.content
        if not response.is_success:
            raise self._error(response, content)
        if call.parse is not None:
            return call.parse(response)
        if call.response_type is None:
            return cast(T, None)
        if call.optional and (response.status_code == 204 or content.strip() in (b"", b"null")):
            return cast(T, None)
        response_type = call.response_type
        try:
            if isinstance(response_type, type) and issubclass(response_type, BaseModel):
                return cast(T, response_type.model_validate_json(content))
            return cast(T, _adapter(response_type).validate_json(content))
        except ValidationError as exc:
            try:
                body: Any = json.loads(content)
            except ValueError:
                body = content.decode("utf-8", errors="replace")
            raise ParsingError(response.status_code, response.headers, body, exc) from exc


class SyncPipeline(_PipelineBase):
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
        self.http = http_client or httpx.Client(
            timeout=settings.timeout if settings.timeout is not None else DEFAULT_TIMEOUT
        )
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
                content = _read_capped(response.iter_bytes())
            except httpx.TransportError as exc:
                raise _transport_error(exc, budget.deadline) from exc
            finally:
                response.close()
            raise self._error(response, content)
        _release_deadline(response)
        return ByteStream(response, options.get("chunk_size"))

    def _send(
        self, call: ApiRequest[Any], options: RequestOptions, budget: _Budget, *, stream: bool
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


def _mark_sniffio_absent() -> None:
    """Let httpcore's per-lock ``import sniffio`` fail fast when sniffio is not installed.

    httpcore imports sniffio every time it sets up a lock; when the package is absent each
    attempt searches every ``sys.path`` entry again (about 0.2 ms), which dominated the cost
    of many concurrent requests. Recording the absence makes the failed import immediate.
    """
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


class AsyncPipeline(_PipelineBase):
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
        self.http = http_client or httpx.AsyncClient(
            timeout=settings.timeout if settings.timeout is not None else DEFAULT_TIMEOUT,
            limits=ASYNC_POOL_LIMITS,
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
                        _aread_capped(response), budget.deadline, response.request
                    )
                except httpx.TransportError as exc:
                    raise _transport_error(exc, budget.deadline) from exc
                finally:
                    await response.aclose()
                raise self._error(response, content)
            _release_deadline(response)
            return response

        return AsyncByteStream(open_response, options.get("chunk_size"))

    async def _send(
        self, call: ApiRequest[Any], options: RequestOptions, budget: _Budget, *, stream: bool
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


def _bound_body(response: httpx.Response, deadline: Deadline | None) -> None:
    """Make reading this response's body stop at the first chunk after the deadline."""
    if deadline is not None and isinstance(response.stream, httpx.SyncByteStream):
        response.stream = DeadlineBody(response.stream, deadline, response.request)


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


def _read_capped(chunks: Any) -> bytes:
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        if len(buffer) >= MAX_ERROR_BODY_BYTES:
            break
    return bytes(buffer[:MAX_ERROR_BODY_BYTES])


async def _aread_capped(response: httpx.Response) -> bytes:
    buffer = bytearray()
    async for chunk in response.aiter_bytes():
        buffer += chunk
        if len(buffer) >= MAX_ERROR_BODY_BYTES:
            break
    return bytes(buffer[:MAX_ERROR_BODY_BYTES])
