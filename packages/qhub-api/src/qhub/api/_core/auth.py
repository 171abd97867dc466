"""Credential strategies, each an ``httpx.Auth`` applied to every attempt of a request.

- :class:`ApiKeyAuth`: ``X-Auth-Token: <key>`` (Quantum, Platform, User APIs).
- :class:`BearerAuth`: ``Authorization: Bearer <token>`` from a string or a zero-argument
  callable called per attempt; on async clients an ``async_token`` is used instead of (not
  after) the sync one (Service gateway).

Any other ``httpx.Auth`` (such as ``qhub.service``'s client-credentials flow) plugs into the
same slot.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Generator

import httpx

__all__ = ["CREDENTIAL_HEADERS", "ApiKeyAuth", "BearerAuth", "StaticHeaderAuth", "TokenSource"]

TokenSource = str | Callable[[], str]

#: Headers that carry credentials or tenancy: never sent to another origin on a redirect.
CREDENTIAL_HEADERS = (
    "authorization",
    "x-auth-token",
    "x-organizationid",
    "x-parent-execution-token",
    "cookie",
)


class StaticHeaderAuth(httpx.Auth):
    """An auth whose credential may be a fixed header; the pipeline then just sends it."""

    def static_headers(self) -> dict[str, str] | None:
        """The fixed credential headers, or ``None`` when they must be computed per attempt."""
        return None


class ApiKeyAuth(StaticHeaderAuth):
    """Sends an API key (personal access token or execution token) as ``X-Auth-Token``."""

    def __init__(self, api_key: str | None) -> None:
        self._api_key = api_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Attach the key (nothing when the key is ``None``: public endpoints)."""
        if self._api_key is not None:
            request.headers["X-Auth-Token"] = self._api_key
        yield request

    def static_headers(self) -> dict[str, str] | None:
        """``X-Auth-Token`` (none at all for an anonymous client)."""
        return {} if self._api_key is None else {"X-Auth-Token": self._api_key}

    def __repr__(self) -> str:
        return "ApiKeyAuth(api_key=<hidden>)"


class BearerAuth(StaticHeaderAuth):
    """Sends ``Authorization: Bearer <token>``; a callable token is called per attempt."""

    def __init__(
        self,
        token: TokenSource | None,
        async_token: Callable[[], Awaitable[str]] | None = None,
    ) -> None:
        self._token = token
        self._async_token = async_token

    def static_headers(self) -> dict[str, str] | None:
        """The ``Authorization`` header when the token is a plain string, else ``None``."""
        if isinstance(self._token, str) and self._async_token is None:
            return {"Authorization": f"Bearer {self._token}"}
        return None

    def _sync_value(self) -> str | None:
        return self._token() if callable(self._token) else self._token

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Attach the bearer token from ``token``."""
        value = self._sync_value()
        if value is not None:
            request.headers["Authorization"] = f"Bearer {value}"
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Attach the bearer token from ``async_token`` when given, else from ``token``."""
        value = await self._async_token() if self._async_token is not None else self._sync_value()
        if value is not None:
            request.headers["Authorization"] = f"Bearer {value}"
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(token=<hidden>)"
