"""The ``user_registration_status`` namespace."""

from __future__ import annotations

from ..._core.client import AsyncApiResource, SyncApiResource
from ..._core.encoding import require_id
from ..._core.options import RequestOptions
from ..._core.pipeline import ApiRequest
from ..types import RegistrationResponse

__all__ = ["AsyncUserRegistrationStatusClient", "UserRegistrationStatusClient"]


def _status(email: str) -> ApiRequest[RegistrationResponse]:
    require_id(email, "email")
    return ApiRequest(
        "GET", "user-registration-status", RegistrationResponse, query={"email": email}
    )


class UserRegistrationStatusClient(SyncApiResource):
    """``client.user_registration_status``."""

    def get_user_registration_status(
        self, *, email: str, request_options: RequestOptions | None = None
    ) -> RegistrationResponse:
        """Where the registration of the user with this e-mail address stands."""
        return self._pipeline.request(_status(email), request_options)


class AsyncUserRegistrationStatusClient(AsyncApiResource):
    """``client.user_registration_status``, async."""

    async def get_user_registration_status(
        self, *, email: str, request_options: RequestOptions | None = None
    ) -> RegistrationResponse:
        """Where the registration of the user with this e-mail address stands."""
        return await self._pipeline.request(_status(email), request_options)
