"""Wire models of the User API (camelCase on the wire, snake_case in Python)."""

from __future__ import annotations

from ..._core.models import CamelModel, HubEnum

__all__ = [
    "AccessTokenDto",
    "AccessTokensDto",
    "BatchUserResponseDto",
    "DefaultAccessTokenDto",
    "PersonalAccessTokenPrincipal",
    "RegistrationResponse",
    "RegistrationResponseStatus",
    "UserDto",
    "UserOverviewDto",
    "UserSearchDto",
]


class UserDto(CamelModel):
    """The signed-in user's profile."""

    id: str | None = None
    username: str | None = None
    email: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    current_position: str | None = None
    homepage: str | None = None
    about: str | None = None


class UserOverviewDto(CamelModel):
    """Another user's public overview."""

    id: str | None = None
    firstname: str | None = None
    lastname: str | None = None


class UserSearchDto(UserOverviewDto):
    """A user found by ``search.users``."""


class AccessTokenDto(CamelModel):
    """A personal access token; ``value`` is only present when it was just created."""

    id: str | None = None
    name: str
    created_at: str | None = None
    used_at: str | None = None
    expires_at: str | None = None
    value: str | None = None


class AccessTokensDto(CamelModel):
    """The user's tokens: the default one (shown abbreviated) and the named ones."""

    default_token: str | None = None
    access_tokens: list[AccessTokenDto] | None = None


class DefaultAccessTokenDto(CamelModel):
    """A regenerated default token (its full value, shown this once)."""

    default_token: str | None = None


class PersonalAccessTokenPrincipal(CamelModel):
    """Who a personal access token acts for: the user's id and the token."""

    id: str | None = None
    access_token: AccessTokenDto | None = None


class BatchUserResponseDto(CamelModel):
    """Users found by id, and the ids that weren't."""

    users: list[UserOverviewDto] | None = None
    not_found: list[str] | str | None = None


class RegistrationResponseStatus(HubEnum):
    """Where a user's registration stands."""

    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    NOT_FOUND = "NOT_FOUND"
    EMAIL_NOT_VERIFIED = "EMAIL_NOT_VERIFIED"


class RegistrationResponse(CamelModel):
    """A registration status and a message."""

    status: RegistrationResponseStatus | None = None
    message: str | None = None


# Every other public type name of the vendor's package: the generated models, on first use.
from ..._core.lazy import lazy_module as _lazy_module  # noqa: E402

__getattr__, __dir__ = _lazy_module(__name__, {}, fallback="qhub.api.user._generated.models")
