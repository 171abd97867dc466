"""Sharing data pools with other organizations and users, optionally within time windows.

Owners of a pool share it; a share gives its role on the pool to the organization's members
(no stronger than their role there) or to the user, while its time window holds. A share has
at most one constraint, a time window, whose id is its type, ``TIME_BASED``: the spec's
``TimeBasedConstraintDto`` has no id field, so no answer could tell a client another one.
Deleting a share ends the access at once; grants issued through it stay valid until they
expire (a grant is a signed token, not a lookup).
"""

from __future__ import annotations

import uuid

from ..clock import utc_now
from ..errors import BadRequest, Conflict, NotFound, Unprocessable
from ..identity import Caller, Organizations, Role, Users
from .access import PoolAccess
from .inputs import NewShare, TimeWindow
from .records import DataPool, Share, ShareConstraint, TenantType
from .store import DataPoolStore

__all__ = ["TIME_BASED", "PoolShares"]

#: The id (and type) of a share's one constraint.
TIME_BASED = "TIME_BASED"


class PoolShares:
    """The shares of data pools and their time windows."""

    def __init__(
        self,
        store: DataPoolStore,
        access: PoolAccess,
        organizations: Organizations,
        users: Users,
    ) -> None:
        self._store = store
        self._access = access
        self._organizations = organizations
        self._users = users

    def _owned(self, caller: Caller, pool_id: str) -> DataPool:
        return self._access.view(caller, pool_id, "OWNER", "manage its shares").pool

    def of(self, caller: Caller, pool_id: str) -> list[Share]:
        """A pool's shares, oldest first (any role on the pool may read them)."""
        pool = self._access.view(caller, pool_id).pool
        return self._store.shares(pool.id)

    def share(self, caller: Caller, pool_id: str, request: NewShare) -> Share:
        """Share a pool with an organization or a user.

        Raises:
            NotFound: no such pool (or invisible), or no such organization or user.
            Forbidden: the caller is no owner of the pool.
            BadRequest: the organization is the pool's own.
            Conflict: the pool is shared with them already.
        """
        pool = self._owned(caller, pool_id)
        tenant_type = self._tenant_type(request)
        if tenant_type == "ORGANIZATION" and request.tenant_id == pool.organization_id:
            raise BadRequest("a data pool is not shared with the organization that owns it")
        share = Share(
            str(uuid.uuid4()), pool.id, tenant_type, request.tenant_id, request.role, utc_now()
        )
        if not self._store.add_share(share):
            raise Conflict(
                f"data pool {pool.id!r} is shared with {tenant_type.lower()} "
                f"{request.tenant_id!r} already"
            )
        return share

    def _tenant_type(self, request: NewShare) -> TenantType:
        """Whom the share names; organization and user ids never coincide, so a request that
        leaves the type out is still clear.

        Raises:
            NotFound: no such organization or user.
        """
        if request.tenant_type == "USER" or (
            request.tenant_type is None
            and request.tenant_id in self._users.find([request.tenant_id])
        ):
            self._users.get(request.tenant_id)
            return "USER"
        self._organizations.profile(request.tenant_id)
        return "ORGANIZATION"

    def _find(self, pool: DataPool, share_id: str) -> Share:
        for share in self._store.shares(pool.id):
            if share.id == share_id:
                return share
        raise NotFound(f"data pool {pool.id!r} has no share {share_id!r}")

    def set_role(self, caller: Caller, pool_id: str, share_id: str, role: Role) -> Share:
        """Change a share's role.

        Raises:
            NotFound / Forbidden: as for :meth:`share`; or no such share.
        """
        pool = self._owned(caller, pool_id)
        self._find(pool, share_id)
        self._store.set_share_role(share_id, role)
        return self._find(pool, share_id)

    def delete(self, caller: Caller, pool_id: str, share_id: str) -> None:
        """Delete a share: the access it gave ends at once.

        Raises:
            NotFound / Forbidden: as for :meth:`set_role`.
        """
        pool = self._owned(caller, pool_id)
        self._find(pool, share_id)
        self._store.delete_share(share_id)

    def add_constraint(
        self, caller: Caller, pool_id: str, share_id: str, window: TimeWindow
    ) -> ShareConstraint:
        """Limit a share to a time window (its constraint ``TIME_BASED``).

        Raises:
            NotFound / Forbidden: as for :meth:`set_role`.
            Conflict: the share has a time window already (change it instead).
            Unprocessable: the window ends before it starts.
        """
        pool = self._owned(caller, pool_id)
        if any(c.id == TIME_BASED for c in self._find(pool, share_id).constraints):
            raise Conflict(f"share {share_id!r} has a time window already: change it instead")
        constraint = _constraint(TIME_BASED, share_id, window)
        self._store.put_constraint(constraint)
        return constraint

    def update_constraint(
        self, caller: Caller, pool_id: str, share_id: str, constraint_id: str, window: TimeWindow
    ) -> ShareConstraint:
        """Move a share's time window.

        Raises:
            NotFound / Forbidden: as for :meth:`set_role`; or no such constraint.
            Unprocessable: the window ends before it starts.
        """
        pool = self._owned(caller, pool_id)
        self._find_constraint(pool, share_id, constraint_id)
        constraint = _constraint(constraint_id, share_id, window)
        self._store.put_constraint(constraint)
        return constraint

    def delete_constraint(
        self, caller: Caller, pool_id: str, share_id: str, constraint_id: str
    ) -> None:
        """Remove a share's time window.

        Raises:
            NotFound / Forbidden: as for :meth:`update_constraint`.
        """
        pool = self._owned(caller, pool_id)
        self._find_constraint(pool, share_id, constraint_id)
        self._store.delete_constraint(share_id, constraint_id)

    def _find_constraint(self, pool: DataPool, share_id: str, constraint_id: str) -> None:
        if not any(c.id == constraint_id for c in self._find(pool, share_id).constraints):
            raise NotFound(f"share {share_id!r} has no constraint {constraint_id!r}")


def _constraint(constraint_id: str, share_id: str, window: TimeWindow) -> ShareConstraint:
    if window.valid_until <= window.valid_from:
        raise Unprocessable("validUntil must be later than validFrom")
    return ShareConstraint(constraint_id, share_id, window.valid_from, window.valid_until)
