"""What callers ask of the identity context, typed: profile changes and new tokens."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

__all__ = ["UNCHANGED", "NewToken", "ProfileChanges", "Unchanged"]


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
