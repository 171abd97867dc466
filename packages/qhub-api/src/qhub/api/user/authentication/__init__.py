"""The ``authentication`` namespace: who a personal access token acts for."""

from __future__ import annotations

from ..._core.client import AsyncApiResource, SyncApiResource
from ..._core.options import RequestOptions
from ..._core.pipeline import ApiRequest
from ..types import PersonalAccessTokenPrincipal

__all__ = ["AsyncAuthenticationClient", "AuthenticationClient"]

_AUTHORIZE: ApiRequest[PersonalAccessTokenPrincipal] = ApiRequest(
    "POST", "authorize", PersonalAccessTokenPrincipal
)


class AuthenticationClient(SyncApiResource):
    """``client.authentication``."""

    def authorize_by_personal_access_token(
        self, *, request_options: RequestOptions | None = None
    ) -> PersonalAccessTokenPrincipal:
        """The user and token behind the client's ``api_key``.

        Raises:
            UnauthorizedError: the token is unknown, revoked or expired.
        """
        return self._pipeline.request(_AUTHORIZE, request_options)


class AsyncAuthenticationClient(AsyncApiResource):
    """``client.authentication``, async."""

    async def authorize_by_personal_access_token(
        self, *, request_options: RequestOptions | None = None
    ) -> PersonalAccessTokenPrincipal:
        """The user and token behind the client's ``api_key``."""
        return await self._pipeline.request(_AUTHORIZE, request_options)
