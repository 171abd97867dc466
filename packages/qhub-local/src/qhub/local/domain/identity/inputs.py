"""What callers ask of the identity context, typed: profile changes, new tokens, new
organizations and members."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from .records import Role

__all__ = [
    "UNCHANGED",
    "NewMember",
    "NewOrganization",
    "NewToken",
    "OrganizationChanges",
    "ProfileChanges",
    "Unchanged",
]


class Unchanged(enum.Enum):
    """A field a request leaves as it is, as opposed to ``None``, which clears it."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


@dataclass(frozen=True)
class ProfileChanges:
    """Changes to the signed-in user's profile; each field is a new value, ``None`` (clear)
    or :data:`UNCHANGED`."""

    current_position: str | Unchanged | None = UNCHANGED
    homepage: str | Unchanged | None = UNCHANGED
    about: str | Unchanged | None = UNCHANGED


@dataclass(frozen=True)
class NewToken:
    """A named personal access token to create; ``expires_at`` None never expires."""

    name: str
    expires_at: dt.datetime | None = None


@dataclass(frozen=True)
class NewOrganization:
    """An organization to create; its ``name`` handle is derived from ``display_name``."""

    display_name: str
    billing_email: str
    description: str | None = None


@dataclass(frozen=True)
class OrganizationChanges:
    """New names for an organization; ``description`` None clears it."""

    display_name: str
    description: str | Unchanged | None = UNCHANGED


@dataclass(frozen=True)
class NewMember:
    """A user to add to an organization, with their role."""

    user_id: str
    role: Role = "VIEWER"
