"""The one request pipeline shared by all four API clients, sync and async.

A resource method describes its call as an :class:`ApiRequest` (method, encoded path, query,
body, the type to parse into) and hands it to :meth:`SyncPipeline.request` /
:meth:`AsyncPipeline.request`. Everything else happens here, once: URL building, headers,
credentials (an ``httpx.Auth`` per attempt), timeouts, retries, redirects that never carry
credentials to another origin, error mapping and response parsing. The two pipelines share
every decision through :class:`_PipelineBase` and differ only where they send and sleep.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar, cast

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from .auth import CREDENTIAL_HEADERS, StaticHeaderAuth
from .encoding import encode_json, encode_query, join_url
from .errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    ParsingError,
    error_from_response,
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
        timeout: seconds per request; ``None`` leaves an injected client's own timeout.
        max_retries: retries after the first attempt.
        follow_redirects: follow 3xx responses (credentials never cross origins).
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


def _wrap_transport_error(error: httpx.TransportError) -> ApiConnectionError:
    try:
        request: httpx.Request | None = error.request
    except RuntimeError:
        request = None
    where = f"{request.method} {request.url.copy_with(query=None)}: " if request else ""
    detail = str(error) or type(error).__name__
    if isinstance(error, httpx.TimeoutException):
        return ApiTimeoutError(f"{where}timed out ({detail})", request=request)
    return ApiConnectionError(f"{where}{detail}", request=request)


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

    def _build(self, call: ApiRequest[Any], options: RequestOptions) -> httpx.Request:
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
        timeout = self._default_timeout
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
            seconds = options.get("timeout", options.get("timeout_in_seconds"))
            if seconds is not None:
                timeout = httpx.Timeout(seconds).as_dict()
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
        self, call: ApiRequest[Any], response: httpx.Response, options: RequestOptions, attempt: int
    ) -> float | None:
        """Seconds to wait before retrying this response, or ``None`` to keep it."""
        if attempt >= self._max_retries(options):
            return None
        if not self.retry.should_retry_status(
            call.method, response.status_code, idempotency_key="idempotency_key" in options
        ):
            return None
        return self.retry.delay(attempt, response.headers)

    def _retry_delay_for_error(
        self,
        call: ApiRequest[Any],
        error: httpx.TransportError,
        options: RequestOptions,
        attempt: int,
    ) -> float | None:
        """Seconds to wait before retrying after a transport failure, or ``None`` to raise."""
        if attempt >= self._max_retries(options):
            return None
        if not self.retry.should_retry_error(
            call.method, error, idempotency_key="idempotency_key" in options
        ):
            return None
        return self.retry.delay(attempt)

    def _redirect(
        self, response: httpx.Response, first: httpx.Request, auth: httpx.Auth | None
    ) -> tuple[httpx.Request, httpx.Auth | None] | None:
        """The next hop of a redirect, stripped of credentials when it leaves the origin."""
        following = response.next_request
        if following is None or not self.settings.follow_redirects:
            return None
        if _origin(following.url) != _origin(first.url):
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

    def _parse(self, call: ApiRequest[T], response: httpx.Response) -> T:
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
        """Send the call (with retries) and parse the response.

        Raises:
            ApiError: a non-2xx status (the subclass for its status) or an unreadable body.
            ApiConnectionError: no response (``ApiTimeoutError`` for timeouts).
        """
        response = self._send(call, options or {}, stream=False)
        return self._parse(call, response)

    def request_raw(
        self,
        call: ApiRequest[T],
        options: RequestOptions | None,
        wrap: Callable[[httpx.Response, T], R],
    ) -> R:
        """As :meth:`request`, but ``wrap(response, result)`` is returned (status and headers)."""
        response = self._send(call, options or {}, stream=False)
        return wrap(response, self._parse(call, response))

    def stream(self, call: ApiRequest[Any], options: RequestOptions | None = None) -> ByteStream:
        """Send the call now and return its body as a byte stream (errors raise here)."""
        options = options or {}
        response = self._send(call, options, stream=True)
        if not response.is_success:
            try:
                content = _read_capped(response.iter_bytes())
            finally:
                response.close()
            raise self._error(response, content)
        return ByteStream(response, options.get("chunk_size"))

    def _send(
        self, call: ApiRequest[Any], options: RequestOptions, *, stream: bool
    ) -> httpx.Response:
        attempt = 0
        while True:
            request = self._build(call, options)
            try:
                response = self._send_following_redirects(request, stream=stream)
            except httpx.TransportError as exc:
                delay = self._retry_delay_for_error(call, exc, options, attempt)
                if delay is None:
                    raise _wrap_transport_error(exc) from exc
                self._log_retry(call, type(exc).__name__, delay, attempt)
            else:
                delay = self._retry_delay_for_response(call, response, options, attempt)
                if delay is None:
                    return response
                response.close()
                self._log_retry(call, f"HTTP {response.status_code}", delay, attempt)
            self.sleep(delay)
            attempt += 1

    def _send_following_redirects(self, request: httpx.Request, *, stream: bool) -> httpx.Response:
        first = request
        auth = self._auth
        for _ in range(MAX_REDIRECTS + 1):
            started = time.perf_counter()
            response = self.http.send(request, auth=auth, follow_redirects=False, stream=stream)
            self._log_response(request, response, started)
            hop = self._redirect(response, first, auth)
            if hop is None:
                return response
            response.close()
            request, auth = hop
        raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.", request=request)

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
        """Send the call (with retries) and parse the response; errors as :meth:`SyncPipeline.request`."""
        response = await self._send(call, options or {}, stream=False)
        return self._parse(call, response)

    async def request_raw(
        self,
        call: ApiRequest[T],
        options: RequestOptions | None,
        wrap: Callable[[httpx.Response, T], R],
    ) -> R:
        """As :meth:`request`, but ``wrap(response, result)`` is returned (status and headers)."""
        response = await self._send(call, options or {}, stream=False)
        return wrap(response, self._parse(call, response))

    def stream(
        self, call: ApiRequest[Any], options: RequestOptions | None = None
    ) -> AsyncByteStream:
        """A byte stream of the body; the request is sent when the stream is awaited or iterated."""
        options = options or {}

        async def open_response() -> httpx.Response:
            response = await self._send(call, options, stream=True)
            if not response.is_success:
                try:
                    content = await _aread_capped(response)
                finally:
                    await response.aclose()
                raise self._error(response, content)
            return response

        return AsyncByteStream(open_response, options.get("chunk_size"))

    async def _send(
        self, call: ApiRequest[Any], options: RequestOptions, *, stream: bool
    ) -> httpx.Response:
        attempt = 0
        while True:
            request = self._build(call, options)
            try:
                response = await self._send_following_redirects(request, stream=stream)
            except httpx.TransportError as exc:
                delay = self._retry_delay_for_error(call, exc, options, attempt)
                if delay is None:
                    raise _wrap_transport_error(exc) from exc
                self._log_retry(call, type(exc).__name__, delay, attempt)
            else:
                delay = self._retry_delay_for_response(call, response, options, attempt)
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
        for _ in range(MAX_REDIRECTS + 1):
            started = time.perf_counter()
            async with self._in_flight():
                response = await self.http.send(
                    request, auth=auth, follow_redirects=False, stream=stream
                )
            self._log_response(request, response, started)
            hop = self._redirect(response, first, auth)
            if hop is None:
                return response
            await response.aclose()
            request, auth = hop
        raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.", request=request)

    async def close(self) -> None:
        """Close the HTTP client if this pipeline created it (an injected one stays open)."""
        if self._owns_http:
            await self.http.aclose()


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
