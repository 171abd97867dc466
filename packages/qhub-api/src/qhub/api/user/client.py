"""``HubUserClient`` / ``AsyncHubUserClient``: the User API (user-service)."""

from __future__ import annotations

from functools import cached_property

from .._core.client import AsyncApiKeyClient, SyncApiKeyClient
from .authentication import AsyncAuthenticationClient, AuthenticationClient
from .environment import HubUserClientEnvironment
from .search import AsyncSearchClient, SearchClient
from .user_registration_status import (
    AsyncUserRegistrationStatusClient,
    UserRegistrationStatusClient,
)
from .user_settings import AsyncUserSettingsClient, UserSettingsClient
from .user_settings_personal_access_tokens import (
    AsyncPersonalAccessTokensClient,
    PersonalAccessTokensClient,
)
from .users import AsyncUsersClient, UsersClient

__all__ = ["AsyncHubUserClient", "HubUserClient"]


class HubUserClient(SyncApiKeyClient):
    """Client of the User API: the signed-in user's profile and tokens, other users.

    Args:
        api_key: a personal access token, sent as ``X-Auth-Token``.
        base_url / environment / headers / timeout / max_retries / follow_redirects /
            httpx_client / logging: as for every client (see ``qhub.api.service``).
    """

    DEFAULT_ENVIRONMENT = HubUserClientEnvironment.DEFAULT

    @cached_property
    def user_settings(self) -> UserSettingsClient:
        """The signed-in user's profile and profile image."""
        return UserSettingsClient(self._pipeline)

    @cached_property
    def user_settings_personal_access_tokens(self) -> PersonalAccessTokensClient:
        """The signed-in user's personal access tokens."""
        return PersonalAccessTokensClient(self._pipeline)

    @cached_property
    def authentication(self) -> AuthenticationClient:
        """Who the token acts for."""
        return AuthenticationClient(self._pipeline)

    @cached_property
    def users(self) -> UsersClient:
        """Other users by id."""
        return UsersClient(self._pipeline)

    @cached_property
    def user_registration_status(self) -> UserRegistrationStatusClient:
        """Registration status by e-mail address."""
        return UserRegistrationStatusClient(self._pipeline)

    @cached_property
    def search(self) -> SearchClient:
        """The user directory."""
        return SearchClient(self._pipeline)


class AsyncHubUserClient(AsyncApiKeyClient):
    """The async twin of :class:`HubUserClient`."""

    DEFAULT_ENVIRONMENT = HubUserClientEnvironment.DEFAULT

    @cached_property
    def user_settings(self) -> AsyncUserSettingsClient:
        """The signed-in user's profile and profile image."""
        return AsyncUserSettingsClient(self._pipeline)

    @cached_property
    def user_settings_personal_access_tokens(self) -> AsyncPersonalAccessTokensClient:
        """The signed-in user's personal access tokens."""
        return AsyncPersonalAccessTokensClient(self._pipeline)

    @cached_property
    def authentication(self) -> AsyncAuthenticationClient:
        """Who the token acts for."""
        return AsyncAuthenticationClient(self._pipeline)

    @cached_property
    def users(self) -> AsyncUsersClient:
        """Other users by id."""
        return AsyncUsersClient(self._pipeline)

    @cached_property
    def user_registration_status(self) -> AsyncUserRegistrationStatusClient:
        """Registration status by e-mail address."""
        return AsyncUserRegistrationStatusClient(self._pipeline)

    @cached_property
    def search(self) -> AsyncSearchClient:
        """The user directory."""
        return AsyncSearchClient(self._pipeline)
