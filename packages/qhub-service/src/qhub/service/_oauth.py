"""OAuth 2.0 client credentials for the service gateway, as an ``httpx.Auth``.

The flow attaches a cached bearer token to every request and, when the gateway answers 401,
refreshes the token once and resends. Tokens are fetched with one form POST
(``grant_type=client_credentials``, HTTP Basic client authentication) and refreshed early:
120 s before expiry, or half the lifetime for short-lived tokens, so a token is never fetched
more often than every half lifetime. One refresh at a time, across threads (sync) or tasks
(async). Failures of the token endpoint raise :class:`AuthenticationError`.

A token request creates nothing, so it is safe to resend: connection failures, timeouts, 408,
429 and 5xx are retried (``max_retries`` times, with the clients' backoff and ``Retry-After``
handling). Each request is logged like a gateway call (method, URL, status, duration), never
with the token or the secret.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    import asyncio

from qhub.api._core.errors import HubError
from qhub.api._core.logs import RequestLogger
from qhub.api._core.retry import RetryPolicy
from qhub.api._core.waiter import async_sleep

__all__ = ["AuthenticationError", "ClientCredentialsAuth", "TokenCache"]

REFRESH_LEEWAY = 120.0
DEFAULT_EXPIRES_IN = 300.0
TOKEN_TIMEOUT = 10.0


class AuthenticationError(HubError):
    """The token endpoint did not issue a token for the application's access key.

    Attributes:
        status_code: the token endpoint's HTTP status (``None`` when unreachable).
        error: the OAuth error code (``invalid_client``, …) when the endpoint sent one.
        error_description: the endpoint's description of the problem, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        error: str | None = None,
        error_description: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.error = error
        self.error_description = error_description


@dataclass
class _Token:
    value: str
    refresh_at: float


class TokenCache:
    """The current access token and when to refresh it; ``clock`` is injectable."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._token: _Token | None = None

    def current(self) -> str | None:
        """The cached token if it is not due for refresh."""
        token = self._token
        if token is None or self._clock() >= token.refresh_at:
            return None
        return token.value

    def store(self, value: str, expires_in: float) -> None:
        """Keep a fresh token that expires in ``expires_in`` seconds."""
        leeway = min(REFRESH_LEEWAY, expires_in / 2)
        self._token = _Token(value, self._clock() + expires_in - leeway)

    def invalidate(self, value: str) -> None:
        """Drop ``value`` if it is still the cached token (a rejected token is not reused)."""
        if self._token is not None and self._token.value == value:
            self._token = None


def _token_request(
    token_endpoint: str, access_key_id: str, secret_access_key: str
) -> dict[str, Any]:
    return {
        "method": "POST",
        "url": token_endpoint,
        "data": {"grant_type": "client_credentials"},
        "auth": httpx.BasicAuth(access_key_id, secret_access_key),
        "headers": {"Accept": "application/json"},
    }


def _read_token(token_endpoint: str, response: httpx.Response) -> tuple[str, float]:
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if not response.is_success:
        error = payload.get("error") if isinstance(payload, dict) else None
        description = payload.get("error_description") if isinstance(payload, dict) else None
        detail = ": ".join(str(part) for part in (error, description) if part)
        raise AuthenticationError(
            f"the token endpoint {token_endpoint} refused the access key "
            f"(HTTP {response.status_code}{': ' + detail if detail else ''})",
            status_code=response.status_code,
            error=error if isinstance(error, str) else None,
            error_description=description if isinstance(description, str) else None,
        )
    token = payload.get("access_token") if isinstance(payload, dict) else None
    if not isinstance(token, str) or not token:
        raise AuthenticationError(
            f"the token endpoint {token_endpoint} answered without an access_token",
            status_code=response.status_code,
        )
    expires_in = payload.get("expires_in", DEFAULT_EXPIRES_IN)
    if not isinstance(expires_in, (int, float)) or expires_in <= 0:
        expires_in = DEFAULT_EXPIRES_IN
    return token, float(expires_in)


def _unreachable(token_endpoint: str, error: httpx.HTTPError) -> AuthenticationError:
    return AuthenticationError(
        f"could not get a token from {token_endpoint}: {type(error).__name__}: {error}"
    )


def _loggable(url: httpx.URL) -> httpx.URL:
    """The URL as logged: without user info or query, where credentials could hide."""
    return url.copy_with(query=None, userinfo=b"")


class ClientCredentialsAuth(httpx.Auth):
    """Authenticates gateway requests with tokens from the OAuth2 token endpoint.

    Args:
        token_endpoint: URL of the token endpoint.
        access_key_id / secret_access_key: the application's access key.
        clock: monotonic seconds, injectable for tests.
        timeout: seconds per token request; by default the injected client's own timeouts,
            or 10 s.
        max_retries: resends of a token request after a transient failure (default none).
        logger: where the token requests are logged (by default nowhere).
        http_client / async_http_client: send token requests with these (left open by
            ``close()``); by default the auth opens its own.
    """

    requires_response_body = False

    def __init__(
        self,
        token_endpoint: str,
        access_key_id: str,
        secret_access_key: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        timeout: float | None = None,
        max_retries: int = 0,
        logger: RequestLogger | None = None,
        http_client: httpx.Client | None = None,
        async_http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self.token_endpoint = token_endpoint
        self._access_key_id = access_key_id
        self._secret_access_key = secret_access_key
        self.cache = TokenCache(clock)
        self._lock = threading.Lock()
        self._async_lock: asyncio.Lock | None = None
        self._timeout = timeout
        self.max_retries = max_retries
        self.retry = RetryPolicy()
        self._logger = logger or RequestLogger(None)
        self._http = http_client
        self._owns_http = http_client is None
        self._async_http = async_http_client
        self._owns_async_http = async_http_client is None
        #: How retries of a token request wait; replace in tests.
        self.sleep: Callable[[float], None] = time.sleep
        #: How async retries of a token request wait; replace in tests.
        self.async_sleep: Callable[[float], Awaitable[None]] = async_sleep
        #: How many tokens were fetched (for tests and diagnostics).
        self.fetch_count = 0

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(token_endpoint={self.token_endpoint!r}, secret=<hidden>)"

    def _request(self) -> dict[str, Any]:
        request = _token_request(self.token_endpoint, self._access_key_id, self._secret_access_key)
        if self._timeout is not None:
            request["timeout"] = self._timeout
        return request

    def _retry_delay(
        self, attempt: int, started: float, outcome: httpx.Response | httpx.HTTPError
    ) -> float | None:
        """Log one token request's outcome; the seconds to wait before resending it, or None."""
        elapsed_ms = (time.perf_counter() - started) * 1000
        url = _loggable(httpx.URL(self.token_endpoint))
        headers = None
        if isinstance(outcome, httpx.Response):
            reason = str(outcome.status_code)
            headers = outcome.headers
            self._logger.log(logging.DEBUG, "POST %s -> %s (%.1f ms)", url, reason, elapsed_ms)
            retry = self.retry.should_retry_status(
                "POST", outcome.status_code, idempotency_key=True
            )
        else:
            reason = type(outcome).__name__
            self._logger.log(logging.DEBUG, "POST %s failed: %s (%.1f ms)", url, reason, elapsed_ms)
            retry = self.retry.should_retry_error("POST", outcome, idempotency_key=True)
        if not retry or attempt >= self.max_retries:
            return None
        delay = self.retry.delay(attempt, headers)
        self._logger.log(
            logging.INFO,
            "retrying POST %s after %s in %.2f s (retry %d)",
            url,
            reason,
            delay,
            attempt + 1,
        )
        return delay

    # -- sync ---------------------------------------------------------------------------------

    def _fetch(self) -> httpx.Response:
        if self._http is None:
            self._http = httpx.Client(timeout=TOKEN_TIMEOUT)
        attempt = 0
        while True:
            started = time.perf_counter()
            try:
                response = self._http.request(**self._request())
            except httpx.HTTPError as exc:
                delay = self._retry_delay(attempt, started, exc)
                if delay is None:
                    raise _unreachable(self.token_endpoint, exc) from exc
            else:
                delay = self._retry_delay(attempt, started, response)
                if delay is None:
                    return response
            self.sleep(delay)
            attempt += 1

    def sync_token(self) -> str:
        """A valid token, fetching one if needed (one fetch at a time)."""
        token = self.cache.current()
        if token is not None:
            return token
        with self._lock:
            token = self.cache.current()
            if token is not None:
                return token
            value, expires_in = _read_token(self.token_endpoint, self._fetch())
            self.fetch_count += 1
            self.cache.store(value, expires_in)
            return value

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Attach the token; on a 401 refresh it once and resend."""
        token = self.sync_token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            self.cache.invalidate(token)
            request.headers["Authorization"] = f"Bearer {self.sync_token()}"
            yield request

    # -- async --------------------------------------------------------------------------------

    async def _async_fetch(self) -> httpx.Response:
        if self._async_http is None:
            self._async_http = httpx.AsyncClient(timeout=TOKEN_TIMEOUT)
        attempt = 0
        while True:
            started = time.perf_counter()
            try:
                response = await self._async_http.request(**self._request())
            except httpx.HTTPError as exc:
                delay = self._retry_delay(attempt, started, exc)
                if delay is None:
                    raise _unreachable(self.token_endpoint, exc) from exc
            else:
                delay = self._retry_delay(attempt, started, response)
                if delay is None:
                    return response
            await self.async_sleep(delay)
            attempt += 1

    async def async_token(self) -> str:
        """A valid token, fetching one if needed (one fetch at a time per event loop)."""
        token = self.cache.current()
        if token is not None:
            return token
        if self._async_lock is None:
            import asyncio  # deferred: sync users never need it

            self._async_lock = asyncio.Lock()
        async with self._async_lock:
            token = self.cache.current()
            if token is not None:
                return token
            value, expires_in = _read_token(self.token_endpoint, await self._async_fetch())
            self.fetch_count += 1
            self.cache.store(value, expires_in)
            return value

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Attach the token; on a 401 refresh it once and resend."""
        token = await self.async_token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            self.cache.invalidate(token)
            request.headers["Authorization"] = f"Bearer {await self.async_token()}"
            yield request

    def close(self) -> None:
        """Close the token endpoint's sync connection (an injected client is left open)."""
        if self._http is not None and self._owns_http:
            self._http.close()

    async def aclose(self) -> None:
        """Close the token endpoint's connections (injected clients are left open)."""
        if self._async_http is not None and self._owns_async_http:
            await self._async_http.aclose()
        self.close()
