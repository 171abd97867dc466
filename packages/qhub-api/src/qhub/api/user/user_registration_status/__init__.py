"""The ``user_registration_status`` namespace (generated from ``spec/user.json``; nothing added by hand)."""

from .._generated.user_registration_status import (
    AsyncUserRegistrationStatusClient,
    UserRegistrationStatusClient,
)

__all__ = ["AsyncUserRegistrationStatusClient", "UserRegistrationStatusClient"]
