"""Data pool grants: signed tokens (HS256, the Hub's signing key) that let one application's
executions use one pool, to read it (``VIEW``) or also to write it (``MODIFY``), for an hour.

A grant is checked when an execution that names it starts: its signature, kind and expiry,
and that it is for this pool and this application. It is not looked up anywhere, so it
stays valid until it expires even if the share that allowed it is removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..errors import NotFound, Unauthorized
from ..identity import Applications, Caller, Role, TokenSigner
from .access import PoolAccess
from .records import GRANT_PERMISSIONS, DataPool, DataPoolReference, Grant, GrantPermission
from .store import DataPoolStore

__all__ = ["GRANT_TOKEN_KIND", "GRANT_TTL", "GrantRefused", "GrantedPool", "PoolGrants"]

GRANT_TOKEN_KIND = "datapool-grant"  # noqa: S105 - a claim value, not a secret
#: How long a grant is valid, seconds.
GRANT_TTL = 3600.0

_REASONS = (
    ("malformed", "it is not a grant token (malformed)"),
    ("signature", "its signature does not match (forged, altered, or issued by another Hub)"),
    ("not a", "it is not a data pool grant"),
    ("expired", "it has expired"),
)


class GrantRefused(Exception):
    """A pool reference an execution can't use; ``reason`` says why (never the token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class GrantedPool:
    """A pool an execution may use, and how."""

    name: str
    pool: DataPool
    grant: Grant

    @property
    def read_only(self) -> bool:
        """Whether the execution may only read the pool (a ``VIEW`` grant)."""
        return self.grant.permission == "VIEW"


class PoolGrants:
    """Issues and checks grants."""

    def __init__(
        self,
        store: DataPoolStore,
        access: PoolAccess,
        signer: TokenSigner,
        applications: Applications,
    ) -> None:
        self._store = store
        self._access = access
        self._signer = signer
        self._applications = applications

    def issue(
        self, caller: Caller, pool_id: str, application_id: str, permission: GrantPermission
    ) -> str:
        """A grant token for one of the caller's organization's applications.

        Raises:
            NotFound: the pool is unknown or invisible to the caller, or the application is
                not one of the caller's organization's.
            Forbidden: ``MODIFY`` asked by a viewer of the pool.
        """
        minimum: Role = "MAINTAINER" if permission == "MODIFY" else "VIEWER"
        pool = self._access.view(caller, pool_id, minimum, f"get {permission} grants").pool
        if self._applications.organization_of(application_id) != caller.organization_id:
            raise NotFound(f"no application {application_id!r}")
        claims = {
            "kind": GRANT_TOKEN_KIND,
            "sub": application_id,
            "datapool": pool.id,
            "permission": permission,
        }
        return self._signer.issue(claims, GRANT_TTL)

    def check(self, name: str, reference: DataPoolReference, application_id: str) -> GrantedPool:
        """The pool ``reference`` names, once its grant is checked for this application.

        Args:
            name: what the request calls the pool (named in the reason).
            reference: the pool's id and grant.
            application_id: who runs the execution.

        Raises:
            GrantRefused: no grant, a forged, expired or malformed one, one for another pool
                or application, or a pool that no longer exists.
        """
        where = f"data pool {name!r} ({reference.datapool_id})"
        if not reference.grant:
            raise GrantRefused(f"{where}: the reference carries no grant")
        try:
            claims = self._signer.verify(reference.grant, kind=GRANT_TOKEN_KIND)
        except Unauthorized as error:
            reason = next((why for key, why in _REASONS if key in error.message), error.message)
            raise GrantRefused(f"{where}: the grant was refused: {reason}") from None
        if claims.get("datapool") != reference.datapool_id:
            raise GrantRefused(
                f"{where}: the grant is for another data pool ({claims.get('datapool')})"
            )
        if claims.get("sub") != application_id:
            raise GrantRefused(f"{where}: the grant is for another application")
        permission = claims.get("permission")
        if permission not in GRANT_PERMISSIONS:
            raise GrantRefused(f"{where}: the grant names no permission this Hub knows")
        pool = self._store.get(reference.datapool_id)
        if pool is None:
            raise GrantRefused(f"{where}: the data pool no longer exists")
        expires = dt.datetime.fromtimestamp(int(claims["exp"]), dt.timezone.utc)
        grant = Grant(pool.id, application_id, permission, expires)
        return GrantedPool(name, pool, grant)
