"""What every API client shares: constructor handling, lifetime, and the resource bases.

An API client is a small object holding one pipeline; its namespaces (``service_api``,
``jobs``, …) are resources created lazily on first access, each a thin set of typed methods
over that pipeline.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import TracebackType
from typing import ClassVar, TypeVar

import httpx

from .auth import ApiKeyAuth
from .environment_variables import endpoint_from_environment
from .logs import LoggingOption, resolve_logger
from .operations import AsyncApiResource, SyncApiResource
from .options import NOT_GIVEN, NotGiven
from .pipeline import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    AsyncPipeline,
    ClientSettings,
    SyncPipeline,
    user_agent,
)

__all__ = [
    "AsyncApiKeyClient",
    "AsyncApiResource",
    "AsyncClientBase",
    "SyncApiKeyClient",
    "SyncApiResource",
    "SyncClientBase",
    "build_settings",
    "resolve_base_url",
]

Self = TypeVar("Self", bound="SyncClientBase")
AsyncSelf = TypeVar("AsyncSelf", bound="AsyncClientBase")

_MISSING_BASE_URL = "Please pass in either base_url or environment to construct the client"


def resolve_base_url(
    base_url: str | None,
    environment: enum.Enum | NotGiven | None,
    *,
    default_environment: enum.Enum | None,
    base_url_variable: str | None,
) -> str:
    """The base URL a client sends to, from its arguments and the environment.

    In this order: ``base_url``; an ``environment`` the caller passed; the environment
    variable ``base_url_variable`` (such as ``QHUB_QUANTUM_BASE_URL``) when set and not blank;
    the API's ``default_environment`` unless the caller passed ``environment=None``.

    Raises:
        Exception: none of these gives a URL (the vendor's message).
    """
    if base_url is not None:
        return base_url
    if isinstance(environment, enum.Enum):
        return str(environment.value)
    from_variable = endpoint_from_environment(base_url_variable) if base_url_variable else None
    if from_variable is not None:
        return from_variable
    if isinstance(environment, NotGiven) and default_environment is not None:
        return str(default_environment.value)
    raise Exception(_MISSING_BASE_URL)


def build_settings(
    *,
    base_url: str | None,
    environment: enum.Enum | NotGiven | None,
    auth: httpx.Auth,
    headers: Mapping[str, str] | None,
    timeout: float | None,
    max_retries: int | None,
    follow_redirects: bool | None,
    logging: LoggingOption,
    injected_client: bool,
    required_headers: Mapping[str, str] | None = None,
    default_environment: enum.Enum | None = None,
    base_url_variable: str | None = None,
) -> ClientSettings:
    """Resolve constructor arguments into :class:`ClientSettings`.

    The base URL is resolved by :func:`resolve_base_url` (``base_url``, then ``environment``,
    then the ``base_url_variable`` environment variable, then ``default_environment``);
    ``timeout`` defaults to 60 s but is left to an injected client when not given.
    ``required_headers`` (such as ``X-OrganizationId``) override same-named caller headers.

    Raises:
        Exception: no base URL from any of those (the vendor's message).
        TypeError / ValueError: an argument has the wrong type or value.
    """
    base_url = resolve_base_url(
        base_url,
        environment,
        default_environment=default_environment,
        base_url_variable=base_url_variable,
    )
    if not isinstance(base_url, str) or not base_url.strip():
        raise ValueError("base_url must be a non-empty URL")
    if timeout is not None and (not isinstance(timeout, (int, float)) or timeout <= 0):
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    if max_retries is not None and (not isinstance(max_retries, int) or max_retries < 0):
        raise ValueError(f"max_retries must be a non-negative integer, not {max_retries!r}")
    merged: dict[str, str] = {"User-Agent": user_agent()}
    if headers is not None:
        if not isinstance(headers, Mapping):
            raise TypeError(f"headers must be a mapping, not {type(headers).__name__}")
        merged.update({str(k): str(v) for k, v in headers.items() if v is not None})
    for name, value in (required_headers or {}).items():
        for existing in [k for k in merged if k.lower() == name.lower()]:
            del merged[existing]
        merged[name] = value
    if timeout is None and not injected_client:
        timeout = DEFAULT_TIMEOUT
    return ClientSettings(
        base_url=base_url,
        auth=auth,
        headers=merged,
        timeout=float(timeout) if timeout is not None else None,
        max_retries=DEFAULT_MAX_RETRIES if max_retries is None else max_retries,
        follow_redirects=True if follow_redirects is None else bool(follow_redirects),
        logger=resolve_logger(logging),
    )


def api_key_credentials(
    api_key: str | None, organization_id: str | None
) -> tuple[ApiKeyAuth, dict[str, str]]:
    """``X-Auth-Token`` auth and the ``X-OrganizationId`` header (when an organization is given).

    Raises:
        TypeError: ``api_key`` or ``organization_id`` is not a string.
    """
    if api_key is not None and not isinstance(api_key, str):
        raise TypeError(f"api_key must be a string, not {type(api_key).__name__}")
    if organization_id is not None and not isinstance(organization_id, str):
        raise TypeError(f"organization_id must be a string, not {type(organization_id).__name__}")
    # An empty organization id means "none", not an empty header.
    required = {"X-OrganizationId": organization_id} if organization_id else {}
    return ApiKeyAuth(api_key), required


class SyncClientBase:
    """Lifetime of a synchronous API client: ``close()`` and ``with`` support."""

    _pipeline: SyncPipeline

    def __init__(self, settings: ClientSettings, httpx_client: httpx.Client | None) -> None:
        if httpx_client is not None and not isinstance(httpx_client, httpx.Client):
            raise TypeError(
                f"httpx_client must be an httpx.Client, not {type(httpx_client).__name__}"
            )
        self._pipeline = SyncPipeline(settings, httpx_client)

    @property
    def base_url(self) -> str:
        """The base URL every request of this client goes to."""
        return self._pipeline.settings.base_url

    def close(self) -> None:
        """Release connections (an injected ``httpx_client`` is left open)."""
        self._pipeline.close()

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"


class AsyncClientBase:
    """Lifetime of an async API client: ``await close()`` and ``async with`` support."""

    _pipeline: AsyncPipeline

    def __init__(self, settings: ClientSettings, httpx_client: httpx.AsyncClient | None) -> None:
        if httpx_client is not None and not isinstance(httpx_client, httpx.AsyncClient):
            raise TypeError(
                f"httpx_client must be an httpx.AsyncClient, not {type(httpx_client).__name__}"
            )
        self._pipeline = AsyncPipeline(settings, httpx_client)

    @property
    def base_url(self) -> str:
        """The base URL every request of this client goes to."""
        return self._pipeline.settings.base_url

    async def close(self) -> None:
        """Release connections (an injected ``httpx_client`` is left open)."""
        await self._pipeline.close()

    async def __aenter__(self: AsyncSelf) -> AsyncSelf:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"


def _api_key_settings(
    default_environment: enum.Enum,
    base_url_variable: str,
    *,
    api_key: str | None,
    organization_id: str | None,
    base_url: str | None,
    environment: enum.Enum | NotGiven | None,
    headers: Mapping[str, str] | None,
    timeout: float | None,
    max_retries: int | None,
    follow_redirects: bool | None,
    logging: LoggingOption,
    injected_client: bool,
) -> ClientSettings:
    auth, required = api_key_credentials(api_key, organization_id)
    return build_settings(
        base_url=base_url,
        environment=environment,
        default_environment=default_environment,
        base_url_variable=base_url_variable,
        auth=auth,
        headers=headers,
        timeout=timeout,
        max_retries=max_retries,
        follow_redirects=follow_redirects,
        logging=logging,
        injected_client=injected_client,
        required_headers=required,
    )


class SyncApiKeyClient(SyncClientBase):
    """A client of an API authenticated by ``X-Auth-Token`` (Quantum, Platform, User).

    Args:
        api_key: personal access token or service execution token, sent as ``X-Auth-Token``
            (``None`` sends none: public endpoints only).
        organization_id: sent as ``X-OrganizationId`` (it replaces a same-named header).
        base_url: wins over ``environment``. When neither is given, the environment variable
            :attr:`BASE_URL_VARIABLE` (``QHUB_QUANTUM_BASE_URL``, …) is used if set.
        environment: the API's default deployment unless given (or unless the variable is
            set); ``None`` requires ``base_url`` or the variable.
        headers / timeout / max_retries / follow_redirects / httpx_client / logging: as for
            every client (timeout: total seconds per call, retries included, 60 unless an
            ``httpx_client`` is injected; 2 retries).

    Raises:
        Exception: no ``base_url``, ``environment`` or variable (the vendor's message).
        TypeError / ValueError: an argument of the wrong type or value.
    """

    DEFAULT_ENVIRONMENT: ClassVar[enum.Enum]
    #: The environment variable giving the base URL when no argument does.
    BASE_URL_VARIABLE: ClassVar[str]

    def __init__(
        self,
        *,
        api_key: str | None,
        organization_id: str | None = None,
        base_url: str | None = None,
        environment: enum.Enum | NotGiven | None = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        follow_redirects: bool | None = True,
        httpx_client: httpx.Client | None = None,
        logging: LoggingOption = None,
    ) -> None:
        settings = _api_key_settings(
            self.DEFAULT_ENVIRONMENT,
            self.BASE_URL_VARIABLE,
            api_key=api_key,
            organization_id=organization_id,
            base_url=base_url,
            environment=environment,
            headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            follow_redirects=follow_redirects,
            logging=logging,
            injected_client=httpx_client is not None,
        )
        super().__init__(settings, httpx_client)


class AsyncApiKeyClient(AsyncClientBase):
    """The async twin of :class:`SyncApiKeyClient` (``httpx_client`` is an ``httpx.AsyncClient``)."""

    DEFAULT_ENVIRONMENT: ClassVar[enum.Enum]
    #: The environment variable giving the base URL when no argument does.
    BASE_URL_VARIABLE: ClassVar[str]

    def __init__(
        self,
        *,
        api_key: str | None,
        organization_id: str | None = None,
        base_url: str | None = None,
        environment: enum.Enum | NotGiven | None = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        follow_redirects: bool | None = True,
        httpx_client: httpx.AsyncClient | None = None,
        logging: LoggingOption = None,
    ) -> None:
        settings = _api_key_settings(
            self.DEFAULT_ENVIRONMENT,
            self.BASE_URL_VARIABLE,
            api_key=api_key,
            organization_id=organization_id,
            base_url=base_url,
            environment=environment,
            headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            follow_redirects=follow_redirects,
            logging=logging,
            injected_client=httpx_client is not None,
        )
        super().__init__(settings, httpx_client)
