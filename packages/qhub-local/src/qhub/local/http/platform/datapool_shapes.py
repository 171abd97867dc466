"""The JSON shapes of data pools, their files and shares (the spec's ``DataPoolDto``,
``DataPoolFileDto``, ``ShareDto`` and ``TimeBasedConstraintDto``)."""

from __future__ import annotations

from typing import Any

from ...domain.clock import utc_now
from ...domain.datapools import DataPoolFile, DataPoolView, Share, ShareConstraint
from ..wire import iso

__all__ = ["constraint_json", "datapool_file_json", "datapool_json", "share_json"]


def datapool_json(view: DataPoolView) -> dict[str, Any]:
    """A data pool with the caller's permission on it (its ``description`` is kept but not
    shown: the spec's ``DataPoolDto`` has no such field)."""
    pool = view.pool
    return {
        "id": pool.id,
        "name": pool.name,
        "shortDescription": pool.short_description,
        "tags": list(pool.tags),
        "createdAt": iso(pool.created_at),
        "currentUserPermission": view.permission,
    }


def datapool_file_json(file: DataPoolFile) -> dict[str, Any]:
    """A file of a data pool (``fullPath`` is its path in the pool: its name)."""
    return {
        "id": file.id,
        "dataPoolId": file.datapool_id,
        "name": file.name,
        "fullPath": file.name,
        "contentType": file.content_type,
        "contentLength": file.size,
        "createdAt": iso(file.created_at),
    }


def constraint_json(constraint: ShareConstraint) -> dict[str, Any]:
    """A share's time window (its id, to change or delete it by, is its type)."""
    return {
        "type": "TIME_BASED",
        "validFrom": iso(constraint.valid_from),
        "validUntil": iso(constraint.valid_until),
    }


def share_json(share: Share) -> dict[str, Any]:
    """A share: ``active`` while every time window holds (a deleted share is gone, so
    ``revokedAt`` is always null)."""
    return {
        "id": share.id,
        "sharedWith": {"tenantType": share.tenant_type, "value": share.tenant_id},
        "role": share.role,
        "createdAt": iso(share.created_at),
        "revokedAt": None,
        "active": share.active(utc_now()),
        "constraints": [constraint_json(c) for c in share.constraints],
    }
