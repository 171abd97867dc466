"""The ``user_settings_personal_access_tokens`` namespace: the user's personal access tokens."""

from __future__ import annotations

from datetime import datetime

from ..._core.client import AsyncApiResource, SyncApiResource
from ..._core.encoding import path_segment, require_id
from ..._core.options import NOT_GIVEN, NotGiven, RequestOptions
from ..._core.pipeline import ApiRequest
from ..types import AccessTokenDto, AccessTokensDto, DefaultAccessTokenDto

__all__ = ["AsyncPersonalAccessTokensClient", "PersonalAccessTokensClient"]


class _Calls:
    @staticmethod
    def regenerate_default_personal_access_token() -> ApiRequest[DefaultAccessTokenDto]:
        return ApiRequest("PUT", "me/access-tokens/default", DefaultAccessTokenDto)

    @staticmethod
    def get_personal_access_tokens() -> ApiRequest[AccessTokensDto]:
        return ApiRequest("GET", "me/access-tokens", AccessTokensDto)

    @staticmethod
    def create_personal_access_token(
        name: str, expires_at: datetime | str | NotGiven | None
    ) -> ApiRequest[AccessTokenDto]:
        require_id(name, "name")
        body = {"name": name, "expiresAt": expires_at}
        if expires_at is NOT_GIVEN:
            del body["expiresAt"]
        return ApiRequest("POST", "me/access-tokens", AccessTokenDto, body=body)

    @staticmethod
    def delete_personal_access_token(id: str) -> ApiRequest[None]:
        return ApiRequest("DELETE", f"me/access-tokens/{path_segment(id, 'id')}")


class PersonalAccessTokensClient(SyncApiResource):
    """The user's tokens (``client.user_settings_personal_access_tokens``)."""

    def regenerate_default_personal_access_token(
        self, *, request_options: RequestOptions | None = None
    ) -> DefaultAccessTokenDto:
        """Replace the default token; the old one stops working. The new value is shown once."""
        call = _Calls.regenerate_default_personal_access_token()
        return self._pipeline.request(call, request_options)

    def get_personal_access_tokens(
        self, *, request_options: RequestOptions | None = None
    ) -> AccessTokensDto:
        """The default token (abbreviated) and the named tokens (without their values)."""
        return self._pipeline.request(_Calls.get_personal_access_tokens(), request_options)

    def create_personal_access_token(
        self,
        *,
        name: str,
        expires_at: datetime | str | NotGiven | None = NOT_GIVEN,
        request_options: RequestOptions | None = None,
    ) -> AccessTokenDto:
        """A new named token; its ``value`` is in this response only.

        Raises:
            ValueError: an empty name, before anything is sent.
        """
        call = _Calls.create_personal_access_token(name, expires_at)
        return self._pipeline.request(call, request_options)

    def delete_personal_access_token(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> None:
        """Revoke a named token.

        Raises:
            NotFoundError: no such token of this user.
        """
        self._pipeline.request(_Calls.delete_personal_access_token(id), request_options)


class AsyncPersonalAccessTokensClient(AsyncApiResource):
    """The user's tokens, async."""

    async def regenerate_default_personal_access_token(
        self, *, request_options: RequestOptions | None = None
    ) -> DefaultAccessTokenDto:
        """Replace the default token; the old one stops working. The new value is shown once."""
        call = _Calls.regenerate_default_personal_access_token()
        return await self._pipeline.request(call, request_options)

    async def get_personal_access_tokens(
        self, *, request_options: RequestOptions | None = None
    ) -> AccessTokensDto:
        """The default token (abbreviated) and the named tokens (without their values)."""
        return await self._pipeline.request(_Calls.get_personal_access_tokens(), request_options)

    async def create_personal_access_token(
        self,
        *,
        name: str,
        expires_at: datetime | str | NotGiven | None = NOT_GIVEN,
        request_options: RequestOptions | None = None,
    ) -> AccessTokenDto:
        """A new named token; its ``value`` is in this response only."""
        call = _Calls.create_personal_access_token(name, expires_at)
        return await self._pipeline.request(call, request_options)

    async def delete_personal_access_token(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> None:
        """Revoke a named token."""
        await self._pipeline.request(_Calls.delete_personal_access_token(id), request_options)
