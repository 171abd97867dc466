"""Identity records: applications, users and their personal access tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["AccessToken", "Application", "ProfileImage", "Registration", "User"]


@dataclass(frozen=True)
class Application:
    """A client application; it owns an access key and its executions."""

    id: str
    name: str
    access_key_id: str


@dataclass
class User:
    """A local user: the one member of its own organization."""

    id: str
    organization_id: str
    username: str
    email: str
    firstname: str | None = None
    lastname: str | None = None
    current_position: str | None = None
    homepage: str | None = None
    about: str | None = None


@dataclass(frozen=True)
class AccessToken:
    """A personal access token, as stored: its hash and what the user may see of it."""

    id: str
    token_hash: str
    organization_id: str
    name: str
    is_default: bool
    hint: str
    created_at: dt.datetime
    expires_at: dt.datetime | None = None
    used_at: dt.datetime | None = None


@dataclass(frozen=True)
class ProfileImage:
    """A user's profile image."""

    content_type: str
    content: bytes


@dataclass(frozen=True)
class Registration:
    """Whether an e-mail address belongs to a user (``APPROVED``) or not (``NOT_FOUND``)."""

    status: str
    message: str
