"""The User API client: the signed-in user's profile and personal access tokens, other users.

>>> from qhub.api.user import HubUserClient
>>> user = HubUserClient(api_key="...")  # doctest: +SKIP
>>> me = user.user_settings.get_current_user()  # doctest: +SKIP
"""

from .._core.options import RequestOptions
from .client import AsyncHubUserClient, HubUserClient
from .core.api_error import ApiError
from .environment import HubUserClientEnvironment
from .types import (
    AccessTokenDto,
    AccessTokensDto,
    BatchUserResponseDto,
    DefaultAccessTokenDto,
    PersonalAccessTokenPrincipal,
    RegistrationResponse,
    RegistrationResponseStatus,
    UserDto,
    UserOverviewDto,
    UserSearchDto,
)

__all__ = [
    "AccessTokenDto",
    "AccessTokensDto",
    "ApiError",
    "AsyncHubUserClient",
    "BatchUserResponseDto",
    "DefaultAccessTokenDto",
    "HubUserClient",
    "HubUserClientEnvironment",
    "PersonalAccessTokenPrincipal",
    "RegistrationResponse",
    "RegistrationResponseStatus",
    "RequestOptions",
    "UserDto",
    "UserOverviewDto",
    "UserSearchDto",
]


# Every other public type name of the vendor's package: the generated models, on first use.
from .._core.lazy import lazy_module as _lazy_module

__getattr__, __dir__ = _lazy_module(
    __name__,
    dict.fromkeys(
        ["BadRequestError", "ForbiddenError", "NotFoundError", "UnauthorizedError"],
        "qhub.api._core.errors",
    ),
    fallback="qhub.api.user._generated.models",
)
