"""The ``user_settings_personal_access_tokens`` namespace (generated from ``spec/user.json``)."""

from .._generated.user_settings_personal_access_tokens import (
    AsyncUserSettingsPersonalAccessTokensClient,
    UserSettingsPersonalAccessTokensClient,
)

__all__ = [
    "AsyncPersonalAccessTokensClient",
    "AsyncUserSettingsPersonalAccessTokensClient",
    "PersonalAccessTokensClient",
    "UserSettingsPersonalAccessTokensClient",
]

#: The names these classes had before the generated layer.
PersonalAccessTokensClient = UserSettingsPersonalAccessTokensClient
AsyncPersonalAccessTokensClient = AsyncUserSettingsPersonalAccessTokensClient
