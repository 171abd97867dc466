"""``HubServiceClient`` / ``AsyncHubServiceClient``: the service gateway's REST client."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import cached_property

import httpx

from .._core.auth import BearerAuth, TokenSource
from .._core.client import AsyncClientBase, SyncClientBase, build_settings
from .._core.environment_variables import SERVICE_BASE_URL
from .._core.logs import LoggingOption
from .._core.options import NOT_GIVEN, NotGiven
from .environment import HubServiceClientEnvironment
from .service_api import AsyncServiceApiClient, ServiceApiClient

__all__ = ["AsyncHubServiceClient", "HubServiceClient"]


def _service_auth(
    token: TokenSource | httpx.Auth, async_token: Callable[[], Awaitable[str]] | None = None
) -> httpx.Auth:
    if isinstance(token, httpx.Auth):
        return token
    if token is None and async_token is not None:
        return BearerAuth(None, async_token)
    if not (isinstance(token, str) or callable(token)):
        raise TypeError(
            "token must be a string, a zero-argument callable returning one, or an httpx.Auth, "
            f"not {type(token).__name__}"
        )
    return BearerAuth(token, async_token)


class HubServiceClient(SyncClientBase):
    """Client of one service's gateway; operations live under :attr:`service_api`.

    Args:
        base_url: the concrete gateway URL of the service (always pass it, or set
            ``QHUB_SERVICE_BASE_URL``: the default environment is an unsubstituted template).
        environment: used when ``base_url`` is ``None``; when not given either, the
            environment variable ``QHUB_SERVICE_BASE_URL`` if set, else
            ``HubServiceClientEnvironment.DEFAULT``.
        token: bearer token, a zero-argument callable returning one (called for every
            attempt), or an ``httpx.Auth`` that authenticates each request itself.
        headers: extra headers for every request (credentials cannot be overridden by them).
        timeout: total seconds per call, retries and their waits included; 60 by default,
            left to ``httpx_client``'s own (per-operation) timeouts when injected.
        max_retries: retries for transient failures (default 2).
        follow_redirects: follow redirects (default True); credentials never follow to
            another origin.
        httpx_client: an ``httpx.Client`` to send with (left open by ``close()``).
        logging: a ``logging.Logger`` or a ``{"level", "logger", "silent"}`` dict.

    Raises:
        Exception: no ``base_url``, ``environment`` or ``QHUB_SERVICE_BASE_URL``.
        TypeError: ``token`` has the wrong type.
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        environment: HubServiceClientEnvironment | NotGiven | None = NOT_GIVEN,
        token: TokenSource | httpx.Auth,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        follow_redirects: bool | None = True,
        httpx_client: httpx.Client | None = None,
        logging: LoggingOption = None,
        stream_reconnection_enabled: bool | None = None,
        max_stream_reconnection_attempts: int | None = None,
    ) -> None:
        settings = build_settings(
            base_url=base_url,
            environment=environment,
            default_environment=HubServiceClientEnvironment.DEFAULT,
            base_url_variable=SERVICE_BASE_URL,
            auth=_service_auth(token),
            headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            follow_redirects=follow_redirects,
            logging=logging,
            injected_client=httpx_client is not None,
        )
        super().__init__(settings, httpx_client)

    @cached_property
    def service_api(self) -> ServiceApiClient:
        """The gateway operations: start, status, result, files, logs, cancel, list."""
        return ServiceApiClient(self._pipeline)


class AsyncHubServiceClient(AsyncClientBase):
    """Async client of one service's gateway; see :class:`HubServiceClient`.

    Args:
        async_token: a coroutine function returning the bearer token; when given it is used
            instead of ``token`` (which may then be omitted).
        httpx_client: an ``httpx.AsyncClient`` to send with.
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        environment: HubServiceClientEnvironment | NotGiven | None = NOT_GIVEN,
        token: TokenSource | httpx.Auth | None = None,
        async_token: Callable[[], Awaitable[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        follow_redirects: bool | None = True,
        httpx_client: httpx.AsyncClient | None = None,
        logging: LoggingOption = None,
        stream_reconnection_enabled: bool | None = None,
        max_stream_reconnection_attempts: int | None = None,
    ) -> None:
        if token is None and async_token is None:
            raise TypeError("AsyncHubServiceClient needs token or async_token")
        settings = build_settings(
            base_url=base_url,
            environment=environment,
            default_environment=HubServiceClientEnvironment.DEFAULT,
            base_url_variable=SERVICE_BASE_URL,
            auth=_service_auth(token, async_token),  # type: ignore[arg-type]
            headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            follow_redirects=follow_redirects,
            logging=logging,
            injected_client=httpx_client is not None,
        )
        super().__init__(settings, httpx_client)

    @cached_property
    def service_api(self) -> AsyncServiceApiClient:
        """The gateway operations, async."""
        return AsyncServiceApiClient(self._pipeline)
