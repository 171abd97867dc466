"""The User API client: the signed-in user's profile and personal access tokens, other users.

>>> from qhub.api.user import HubUserClient
>>> user = HubUserClient(api_key="...")  # doctest: +SKIP
>>> me = user.user_settings.get_current_user()  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core.lazy import lazy_module

if TYPE_CHECKING:
    from .._core.errors import ApiError as ApiError
    from .._core.errors import BadRequestError as BadRequestError
    from .._core.errors import ForbiddenError as ForbiddenError
    from .._core.errors import NotFoundError as NotFoundError
    from .._core.errors import UnauthorizedError as UnauthorizedError
    from .._core.options import RequestOptions as RequestOptions
    from ._generated.models import AccessTokenDto as AccessTokenDto
    from ._generated.models import AccessTokensDto as AccessTokensDto
    from ._generated.models import BatchUserResponseDto as BatchUserResponseDto
    from ._generated.models import DefaultAccessTokenDto as DefaultAccessTokenDto
    from ._generated.models import PersonalAccessTokenPrincipal as PersonalAccessTokenPrincipal
    from ._generated.models import RegistrationResponse as RegistrationResponse
    from ._generated.models import RegistrationResponseStatus as RegistrationResponseStatus
    from ._generated.models import UserDto as UserDto
    from ._generated.models import UserOverviewDto as UserOverviewDto
    from ._generated.models import UserSearchDto as UserSearchDto
    from .client import AsyncHubUserClient as AsyncHubUserClient
    from .client import HubUserClient as HubUserClient
    from .environment import HubUserClientEnvironment as HubUserClientEnvironment

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

# Names resolve on first use: the clients load httpx and pydantic, the models build then.
__getattr__, __dir__ = lazy_module(
    __name__,
    {
        "AsyncHubUserClient": "qhub.api.user.client",
        "HubUserClient": "qhub.api.user.client",
        "HubUserClientEnvironment": "qhub.api.user.environment",
        "RequestOptions": "qhub.api._core.options",
        **dict.fromkeys(
            [
                "ApiError",
                "BadRequestError",
                "ForbiddenError",
                "NotFoundError",
                "UnauthorizedError",
            ],
            "qhub.api._core.errors",
        ),
    },
    fallback="qhub.api.user._generated.models",
)
