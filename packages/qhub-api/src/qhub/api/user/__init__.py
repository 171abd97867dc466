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
