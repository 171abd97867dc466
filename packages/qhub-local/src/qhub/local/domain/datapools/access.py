"""Who may do what with a data pool.

A caller acting for the pool's organization holds its role there (an execution's token
counts as a viewer). Anyone else holds the strongest role of the pool's active shares that
name them: a share with their organization (no stronger than their role in it) or with
them as a user. Holding no role, the pool does not exist for them (404). Viewers read the
pool and its files and get ``VIEW`` grants; maintainers also change, delete and fill it and
get ``MODIFY`` grants; owners also share it.
"""

from __future__ import annotations

from ..clock import utc_now
from ..errors import Forbidden, NotFound
from ..identity import ROLES, Caller, Role
from .records import DataPool, DataPoolView, Share
from .store import DataPoolStore

__all__ = ["PoolAccess", "permission_on"]


def _weaker(a: Role, b: Role) -> Role:
    return a if ROLES.index(a) <= ROLES.index(b) else b


def _stronger(a: Role | None, b: Role) -> Role:
    return b if a is None or ROLES.index(b) > ROLES.index(a) else a


def permission_on(pool: DataPool, caller: Caller, shares: list[Share]) -> Role | None:
    """The caller's role on ``pool`` given the shares that name the caller (None: no access).

    Args:
        pool: the pool.
        caller: who asks.
        shares: shares of the pool (others are ignored), active or not.
    """
    own_role: Role = caller.role or "VIEWER"
    if pool.organization_id == caller.organization_id:
        return own_role
    now = utc_now()
    best: Role | None = None
    for share in shares:
        if share.datapool_id != pool.id or not share.active(now):
            continue
        if share.tenant_type == "ORGANIZATION" and share.tenant_id == caller.organization_id:
            best = _stronger(best, _weaker(share.role, own_role))
        elif share.tenant_type == "USER" and caller.user_id and share.tenant_id == caller.user_id:
            best = _stronger(best, share.role)
    return best


class PoolAccess:
    """Finds pools as callers see them."""

    def __init__(self, store: DataPoolStore) -> None:
        self._store = store

    def view(
        self, caller: Caller, pool_id: str, minimum: Role = "VIEWER", action: str = "read it"
    ) -> DataPoolView:
        """A pool the caller can see, with the caller's permission on it.

        Args:
            caller: who asks.
            pool_id: the pool.
            minimum: the weakest permission allowed.
            action: what is refused, for the message.

        Raises:
            NotFound: no such pool, or the caller holds no role on it.
            Forbidden: the caller's role on it is weaker than ``minimum``.
        """
        pool = self._store.get(pool_id)
        permission = (
            None
            if pool is None
            else permission_on(pool, caller, self._store.shares_with(*_tenants(caller)))
        )
        if pool is None or permission is None:
            raise NotFound(f"no data pool {pool_id!r}")
        if ROLES.index(permission) < ROLES.index(minimum):
            raise Forbidden(
                f"only a {minimum} of data pool {pool_id!r} may {action}; the caller is a "
                f"{permission}"
            )
        return DataPoolView(pool, permission)

    def visible(self, caller: Caller) -> list[DataPoolView]:
        """The pools of the caller's organization, then those shared with it or with the
        caller, each oldest first."""
        views = [
            DataPoolView(pool, caller.role or "VIEWER")
            for pool in self._store.of_organization(caller.organization_id)
        ]
        shares = self._store.shares_with(*_tenants(caller))
        seen = {view.pool.id for view in views}
        for share in shares:
            pool = self._store.get(share.datapool_id)
            if pool is None or pool.id in seen:
                continue
            permission = permission_on(pool, caller, shares)
            if permission is not None:
                views.append(DataPoolView(pool, permission))
                seen.add(pool.id)
        return views


def _tenants(caller: Caller) -> tuple[str, str | None]:
    return caller.organization_id, caller.user_id
