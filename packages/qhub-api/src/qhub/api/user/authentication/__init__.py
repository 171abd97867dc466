"""The ``authentication`` namespace (generated from ``spec/user.json``; nothing added by hand)."""

from .._generated.authentication import AsyncAuthenticationClient, AuthenticationClient

__all__ = ["AsyncAuthenticationClient", "AuthenticationClient"]
