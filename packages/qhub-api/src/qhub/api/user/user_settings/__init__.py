"""The ``user_settings`` namespace: the signed-in user's profile and profile image."""

from __future__ import annotations

from ..._core.client import AsyncApiResource, SyncApiResource
from ..._core.encoding import FileInput, file_part
from ..._core.options import NOT_GIVEN, NotGiven, RequestOptions
from ..._core.pipeline import ApiRequest
from ..types import UserDto

__all__ = ["AsyncUserSettingsClient", "UserSettingsClient"]


class _Calls:
    @staticmethod
    def get_current_user() -> ApiRequest[UserDto]:
        return ApiRequest("GET", "me", UserDto)

    @staticmethod
    def update_current_user(
        current_position: str | NotGiven | None,
        homepage: str | NotGiven | None,
        about: str | NotGiven | None,
    ) -> ApiRequest[UserDto]:
        fields = {"currentPosition": current_position, "homepage": homepage, "about": about}
        body = {key: value for key, value in fields.items() if value is not NOT_GIVEN}
        return ApiRequest("PUT", "me", UserDto, body=body)

    @staticmethod
    def delete_current_user() -> ApiRequest[None]:
        return ApiRequest("DELETE", "me")

    @staticmethod
    def update_current_user_profile_image(file: FileInput) -> ApiRequest[None]:
        return ApiRequest("POST", "me/profile-image", files={"file": file_part(file)})

    @staticmethod
    def delete_current_user_profile_image() -> ApiRequest[None]:
        return ApiRequest("DELETE", "me/profile-image")


class UserSettingsClient(SyncApiResource):
    """The signed-in user's profile (``client.user_settings``)."""

    def get_current_user(self, *, request_options: RequestOptions | None = None) -> UserDto:
        """The profile of the user the token belongs to."""
        return self._pipeline.request(_Calls.get_current_user(), request_options)

    def update_current_user(
        self,
        *,
        current_position: str | NotGiven | None = NOT_GIVEN,
        homepage: str | NotGiven | None = NOT_GIVEN,
        about: str | NotGiven | None = NOT_GIVEN,
        request_options: RequestOptions | None = None,
    ) -> UserDto:
        """Change the editable fields given (``None`` clears one; the others stay)."""
        call = _Calls.update_current_user(current_position, homepage, about)
        return self._pipeline.request(call, request_options)

    def delete_current_user(self, *, request_options: RequestOptions | None = None) -> None:
        """Delete the user for good; their tokens stop working."""
        self._pipeline.request(_Calls.delete_current_user(), request_options)

    def update_current_user_profile_image(
        self, *, file: FileInput, request_options: RequestOptions | None = None
    ) -> None:
        """Upload a profile image: bytes, a binary file, a path, or ``(name, content, type)``."""
        call = _Calls.update_current_user_profile_image(file)
        self._pipeline.request(call, request_options)

    def delete_current_user_profile_image(
        self, *, request_options: RequestOptions | None = None
    ) -> None:
        """Remove the profile image."""
        self._pipeline.request(_Calls.delete_current_user_profile_image(), request_options)


class AsyncUserSettingsClient(AsyncApiResource):
    """The signed-in user's profile, async."""

    async def get_current_user(self, *, request_options: RequestOptions | None = None) -> UserDto:
        """The profile of the user the token belongs to."""
        return await self._pipeline.request(_Calls.get_current_user(), request_options)

    async def update_current_user(
        self,
        *,
        current_position: str | NotGiven | None = NOT_GIVEN,
        homepage: str | NotGiven | None = NOT_GIVEN,
        about: str | NotGiven | None = NOT_GIVEN,
        request_options: RequestOptions | None = None,
    ) -> UserDto:
        """Change the editable fields given (``None`` clears one; the others stay)."""
        call = _Calls.update_current_user(current_position, homepage, about)
        return await self._pipeline.request(call, request_options)

    async def delete_current_user(self, *, request_options: RequestOptions | None = None) -> None:
        """Delete the user for good; their tokens stop working."""
        await self._pipeline.request(_Calls.delete_current_user(), request_options)

    async def update_current_user_profile_image(
        self, *, file: FileInput, request_options: RequestOptions | None = None
    ) -> None:
        """Upload a profile image: bytes, a binary file, a path, or ``(name, content, type)``."""
        call = _Calls.update_current_user_profile_image(file)
        await self._pipeline.request(call, request_options)

    async def delete_current_user_profile_image(
        self, *, request_options: RequestOptions | None = None
    ) -> None:
        """Remove the profile image."""
        await self._pipeline.request(_Calls.delete_current_user_profile_image(), request_options)
