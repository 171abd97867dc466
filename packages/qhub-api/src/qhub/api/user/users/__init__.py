"""The ``users`` namespace (generated from ``spec/user.json``; nothing added by hand)."""

from .._generated.users import AsyncUsersClient, UsersClient

__all__ = ["AsyncUsersClient", "UsersClient"]
