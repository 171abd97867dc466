"""What callers ask of the data pools context, typed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..identity import Role
from .records import TenantType

__all__ = ["NewShare", "PoolDetails", "TimeWindow"]


@dataclass(frozen=True)
class PoolDetails:
    """A pool's name and description, to create one or to replace an existing one's."""

    name: str
    short_description: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewShare:
    """Share a pool with an organization or a user, in a role (``tenant_type`` None: whichever
    of the two ``tenant_id`` names)."""

    tenant_type: TenantType | None
    tenant_id: str
    role: Role


@dataclass(frozen=True)
class TimeWindow:
    """A share constraint's window (timezone-aware instants)."""

    valid_from: dt.datetime
    valid_until: dt.datetime
