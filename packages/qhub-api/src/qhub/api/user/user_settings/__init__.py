"""The ``user_settings`` namespace (generated from ``spec/user.json``; nothing added by hand)."""

from .._generated.user_settings import AsyncUserSettingsClient, UserSettingsClient

__all__ = ["AsyncUserSettingsClient", "UserSettingsClient"]
