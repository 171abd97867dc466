"""The ``users`` namespace: other users by id."""

from __future__ import annotations

import json
from collections.abc import Sequence

import httpx

from ..._core.client import AsyncApiResource, SyncApiResource
from ..._core.encoding import path_segment
from ..._core.options import RequestOptions
from ..._core.pipeline import ApiRequest
from ..types import BatchUserResponseDto, UserOverviewDto

__all__ = ["AsyncUsersClient", "UsersClient"]


def _profile_image(response: httpx.Response) -> str | bytes | None:
    """A JSON string (the image's URL) as ``str``; an image itself as ``bytes`` (the vendor
    fails on those); nothing as ``None``."""
    content = response.content
    if response.status_code == 204 or content.strip() in (b"", b"null"):
        return None
    if response.headers.get("content-type", "").startswith("image/"):
        return content
    value = json.loads(content)
    return value if isinstance(value, str) else json.dumps(value)


class _Calls:
    @staticmethod
    def resolve_users(ids: Sequence[str]) -> ApiRequest[BatchUserResponseDto]:
        if isinstance(ids, str):
            raise TypeError("ids must be a list of user ids, not a string")
        return ApiRequest("POST", "users/batch", BatchUserResponseDto, body={"ids": list(ids)})

    @staticmethod
    def get_user_by_id(id: str) -> ApiRequest[UserOverviewDto]:
        return ApiRequest("GET", f"users/{path_segment(id, 'id')}", UserOverviewDto)

    @staticmethod
    def check_user_exists(id: str) -> ApiRequest[dict[str, str]]:
        return ApiRequest(
            "HEAD", f"users/{path_segment(id, 'id')}", parse=lambda r: dict(r.headers)
        )

    @staticmethod
    def get_user_profile_image(id: str) -> ApiRequest[str | bytes | None]:
        path = f"users/{path_segment(id, 'id')}/profile-image"
        return ApiRequest("GET", path, parse=_profile_image)


class UsersClient(SyncApiResource):
    """Other users (``client.users``)."""

    def resolve_users(
        self, *, ids: Sequence[str], request_options: RequestOptions | None = None
    ) -> BatchUserResponseDto:
        """Overviews of the users with these ids, and the ids not found."""
        return self._pipeline.request(_Calls.resolve_users(ids), request_options)

    def get_user_by_id(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> UserOverviewDto:
        """A user's public overview.

        Raises:
            NotFoundError: no such user.
        """
        return self._pipeline.request(_Calls.get_user_by_id(id), request_options)

    def check_user_exists(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> dict[str, str]:
        """The response headers of a HEAD request when the user exists.

        Raises:
            NotFoundError: no such user (an ``ApiError``, as with the vendor).
        """
        return self._pipeline.request(_Calls.check_user_exists(id), request_options)

    def get_user_profile_image(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> str | bytes | None:
        """The profile image's URL, or the image itself when the Hub sends it; ``None``
        when there is none."""
        return self._pipeline.request(_Calls.get_user_profile_image(id), request_options)


class AsyncUsersClient(AsyncApiResource):
    """Other users, async."""

    async def resolve_users(
        self, *, ids: Sequence[str], request_options: RequestOptions | None = None
    ) -> BatchUserResponseDto:
        """Overviews of the users with these ids, and the ids not found."""
        return await self._pipeline.request(_Calls.resolve_users(ids), request_options)

    async def get_user_by_id(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> UserOverviewDto:
        """A user's public overview."""
        return await self._pipeline.request(_Calls.get_user_by_id(id), request_options)

    async def check_user_exists(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> dict[str, str]:
        """The response headers of a HEAD request when the user exists."""
        return await self._pipeline.request(_Calls.check_user_exists(id), request_options)

    async def get_user_profile_image(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> str | bytes | None:
        """The profile image's URL, or the image itself; ``None`` when there is none."""
        return await self._pipeline.request(_Calls.get_user_profile_image(id), request_options)
