"""Data pools and their grants.

A pool is a directory under the Hub's data directory. An application acquires a grant (a
signed token naming the pool, the application and a permission) through the Platform API
and passes it with an execution's input; the execution then sees the pool's files.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from ..clock import utc_now
from ..errors import BadRequest, Forbidden, NotFound, Unauthorized
from ..identity import Applications, TokenSigner
from .records import PERMISSIONS, DataPool, DataPoolReference
from .store import DataPoolStore

__all__ = ["GRANT_TTL", "DataPools"]

GRANT_TOKEN_KIND = "datapool-grant"  # noqa: S105 - a claim value, not a secret
GRANT_TTL = 3600.0


class DataPools:
    """Data pools under ``root``, and the grants that let executions use them."""

    def __init__(
        self, store: DataPoolStore, signer: TokenSigner, applications: Applications, root: Path
    ) -> None:
        self._store = store
        self._signer = signer
        self._applications = applications
        self._root = root

    def create(self, name: str) -> DataPool:
        """A new, empty data pool."""
        pool_id = str(uuid.uuid4())
        path = self._root / pool_id
        path.mkdir(parents=True)
        pool = DataPool(pool_id, name, path, utc_now())
        self._store.add(pool)
        return pool

    def ensure_default(self) -> None:
        """Make the ``default`` pool unless there is a pool already."""
        if not self._store.all():
            self.create("default")

    def all(self) -> list[DataPool]:
        """Every data pool, oldest first."""
        return self._store.all()

    def get(self, pool_id: str) -> DataPool:
        """A data pool by id.

        Raises:
            NotFound: no such pool.
        """
        pool = self._store.get(pool_id)
        if pool is None:
            raise NotFound(f"no data pool {pool_id!r}")
        return pool

    def issue_grant(self, pool_id: str, application_id: str, permission: str) -> str:
        """A grant token for an application to use a data pool.

        Raises:
            BadRequest: unknown permission.
            NotFound: unknown data pool or application.
        """
        if permission not in PERMISSIONS:
            raise BadRequest(f"permission must be VIEW or MODIFY, not {permission!r}")
        self.get(pool_id)
        if not self._applications.exists(application_id):
            raise NotFound(f"no application {application_id!r}")
        claims = {
            "kind": GRANT_TOKEN_KIND,
            "sub": application_id,
            "datapool": pool_id,
            "permission": permission,
        }
        return self._signer.issue(claims, GRANT_TTL)

    def granted(self, key: str, reference: DataPoolReference, application_id: str) -> DataPool:
        """The pool ``reference`` names, once its grant is checked for this application.

        Args:
            key: the input's name for the pool (named in error messages).
            reference: the pool's id and grant.
            application_id: who runs the execution.

        Raises:
            NotFound: no such pool.
            Forbidden: the grant is invalid, expired, or for another pool or application.
        """
        pool = self._store.get(reference.datapool_id)
        if pool is None:
            raise NotFound(f"data pool {reference.datapool_id!r} of {key!r} does not exist")
        try:
            claims = self._signer.verify(reference.grant, kind=GRANT_TOKEN_KIND)
        except Unauthorized as exc:
            raise Forbidden(f"the grant for {key!r} is not valid: {exc.message}") from None
        if claims.get("datapool") != pool.id or claims.get("sub") != application_id:
            raise Forbidden(f"the grant for {key!r} is for another data pool or application")
        return pool
