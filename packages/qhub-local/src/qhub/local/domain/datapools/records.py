"""Data pool records: pools, their files and shares, grants, and the references executions
use to name a pool."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..identity import Role

__all__ = [
    "GRANT_PERMISSIONS",
    "PERMISSIONS",
    "DataPool",
    "DataPoolFile",
    "DataPoolReference",
    "DataPoolView",
    "Grant",
    "GrantPermission",
    "Share",
    "ShareConstraint",
    "TenantType",
]

#: What a grant may allow: ``VIEW`` reads the pool's files, ``MODIFY`` also writes them.
GrantPermission = Literal["VIEW", "MODIFY"]
GRANT_PERMISSIONS: tuple[GrantPermission, ...] = ("VIEW", "MODIFY")
#: The same, under the name earlier versions exported.
PERMISSIONS = GRANT_PERMISSIONS

#: Whom a pool is shared with.
TenantType = Literal["USER", "ORGANIZATION"]


@dataclass(frozen=True)
class DataPool:
    """A data pool of an organization: a directory of files executions may be granted.

    Attributes:
        id: the pool's id.
        name: unique within its organization.
        path: the directory holding its files (top level only; names starting with a dot
            are the Hub's, never listed).
        created_at: when it was made.
        organization_id: the organization that owns it.
        short_description / description / tags: what the Platform API shows of it.
    """

    id: str
    name: str
    path: Path
    created_at: dt.datetime
    organization_id: str = ""
    short_description: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataPoolView:
    """A pool as one caller sees it: with the permission the caller holds on it."""

    pool: DataPool
    permission: Role


@dataclass(frozen=True)
class DataPoolFile:
    """A file of a data pool (stored at ``<pool.path>/<name>``)."""

    id: str
    datapool_id: str
    name: str
    content_type: str
    size: int
    created_at: dt.datetime


@dataclass(frozen=True)
class ShareConstraint:
    """A time window outside which a share gives no access (``TIME_BASED``)."""

    id: str
    share_id: str
    valid_from: dt.datetime
    valid_until: dt.datetime

    def holds(self, moment: dt.datetime) -> bool:
        """Whether ``moment`` is inside the window (both ends included)."""
        return self.valid_from <= moment <= self.valid_until


@dataclass(frozen=True)
class Share:
    """A pool shared with another organization, or with a user, in a role.

    A share gives access while every one of its constraints holds.
    """

    id: str
    datapool_id: str
    tenant_type: TenantType
    tenant_id: str
    role: Role
    created_at: dt.datetime
    constraints: tuple[ShareConstraint, ...] = field(default=())

    def active(self, moment: dt.datetime) -> bool:
        """Whether the share gives access at ``moment``."""
        return all(constraint.holds(moment) for constraint in self.constraints)


@dataclass(frozen=True)
class Grant:
    """What a valid grant token says: this application may use this pool so far, until then."""

    datapool_id: str
    application_id: str
    permission: GrantPermission
    expires_at: dt.datetime


@dataclass(frozen=True)
class DataPoolReference:
    """A data pool an execution's request names, with the grant that lets it use the pool.

    Attributes:
        datapool_id: the pool's id (``id`` on the wire).
        grant: the grant token; None when the reference carries none.
    """

    datapool_id: str
    grant: str | None
