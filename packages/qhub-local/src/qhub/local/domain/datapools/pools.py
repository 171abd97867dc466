"""Data pools: directories of files that belong to an organization, shared with others and
granted to executions.

A pool is a directory ``<root>/<pool id>``. Its organization's members see it with their
role there; others see it only through a share (:mod:`.access`). Each change is one
transaction: a pool is created with its directory, and deleted with its files, shares and
directory (moved aside inside the transaction, removed after it).

Whoever lists the pools by name outside the domain (``connection.json``) is told when a pool
is created, renamed or deleted through :attr:`DataPools.on_pools_changed`.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from ..clock import utc_now
from ..errors import BadRequest, Conflict, NotFound
from ..identity import Applications, Caller, Organizations, TokenSigner, Users, require_role
from .access import PoolAccess
from .files import PoolFiles
from .grants import GrantedPool, PoolGrants
from .inputs import PoolDetails
from .records import DataPool, DataPoolReference, DataPoolView, GrantPermission
from .shares import PoolShares
from .store import DataPoolStore

__all__ = ["DEFAULT_POOL_NAME", "DataPools"]

#: The pool the Hub makes for its default organization.
DEFAULT_POOL_NAME = "default"

_log = logging.getLogger("qhub.local.datapools")


class DataPools:
    """Data pools under ``root``, with their files, shares and grants.

    Attributes:
        files: uploads, listings, downloads and deletions of pools' files.
        shares: the pools' shares with other organizations and users.
        grants: the tokens that let executions use pools.
        on_pools_changed: called, with no arguments, after a pool was created, renamed or
            deleted, on the thread that changed it; it reads the pools from :meth:`all`.
            What it raises is logged, never thrown at the request: the change is done by
            then.

    Args:
        store: the context's tables.
        signer: signs grants.
        applications: the applications grants are for.
        organizations / users: whom pools can be shared with.
        root: the directory of the pools' directories.
    """

    def __init__(
        self,
        store: DataPoolStore,
        signer: TokenSigner,
        applications: Applications,
        root: Path,
        *,
        organizations: Organizations,
        users: Users,
    ) -> None:
        self._store = store
        self._root = root
        # Private to the Hub's user: pools' files are readable by any user who can reach them
        # (an execution's sandbox user, through its mount), so no other user may.
        root.mkdir(parents=True, exist_ok=True)
        root.chmod(0o700)
        self._trash = root / ".trash"
        self._access = PoolAccess(store)
        self.files = PoolFiles(store, self._access, root)
        self.shares = PoolShares(store, self._access, organizations, users)
        self.grants = PoolGrants(store, self._access, signer, applications)
        if self._trash.is_dir():  # pools deleted by a Hub that stopped before removing them
            shutil.rmtree(self._trash, ignore_errors=True)
        self.on_pools_changed: Callable[[], None] | None = None

    # -- the Hub's own use -----------------------------------------------------------------

    def ensure_default(self, organization_id: str) -> None:
        """Make the organization's ``default`` pool unless it has a pool already."""
        if not self._store.of_organization(organization_id):
            self._create(organization_id, PoolDetails(DEFAULT_POOL_NAME))

    def all(self) -> list[DataPool]:
        """Every data pool of every organization, oldest first."""
        return self._store.all()

    def of_organization(self, organization_id: str) -> list[DataPool]:
        """An organization's own pools (not those shared with it), oldest first."""
        return self._store.of_organization(organization_id)

    def get(self, pool_id: str) -> DataPool:
        """A data pool by id, whoever owns it (the Hub's own lookups; the Platform API goes
        through :meth:`view`).

        Raises:
            NotFound: no such pool.
        """
        pool = self._store.get(pool_id)
        if pool is None:
            raise NotFound(f"no data pool {pool_id!r}")
        return pool

    # -- the Platform API ------------------------------------------------------------------

    def create(self, caller: Caller, details: PoolDetails) -> DataPoolView:
        """A new, empty pool of the caller's organization (maintainers and owners).

        Raises:
            Forbidden: the caller is a viewer of its organization.
            BadRequest: an empty name.
            Conflict: the organization has a pool of that name.
        """
        require_role(caller, "MAINTAINER", "create data pools")
        pool = self._create(caller.organization_id, details)
        return DataPoolView(pool, caller.role or "VIEWER")

    def _create(self, organization_id: str, details: PoolDetails) -> DataPool:
        name = _name(details)
        pool_id = str(uuid.uuid4())
        pool = DataPool(
            id=pool_id,
            name=name,
            path=self._root / pool_id,
            created_at=utc_now(),
            organization_id=organization_id,
            short_description=details.short_description,
            description=details.description,
            tags=details.tags,
        )
        if not self._store.add(pool, lambda: pool.path.mkdir(parents=True)):
            raise Conflict(f"the organization has a data pool named {name!r}")
        self._pools_changed(f"data pool {pool.id} was created")
        return pool

    def visible(self, caller: Caller) -> list[DataPoolView]:
        """The pools the caller sees: its organization's, then those shared with it."""
        return self._access.visible(caller)

    def view(self, caller: Caller, pool_id: str) -> DataPoolView:
        """A pool the caller sees, with the caller's permission on it.

        Raises:
            NotFound: no such pool, or the caller has no access to it.
        """
        return self._access.view(caller, pool_id)

    def update(self, caller: Caller, pool_id: str, details: PoolDetails) -> DataPoolView:
        """Replace a pool's name, descriptions and tags.

        Raises:
            NotFound: no such pool (or invisible).
            Forbidden: the caller is a viewer of the pool.
            BadRequest / Conflict: an empty name, or one another pool of its organization has.
        """
        view = self._access.view(caller, pool_id, "MAINTAINER", "change it")
        pool = DataPool(
            id=view.pool.id,
            name=_name(details),
            path=view.pool.path,
            created_at=view.pool.created_at,
            organization_id=view.pool.organization_id,
            short_description=details.short_description,
            description=details.description,
            tags=details.tags,
        )
        if not self._store.update(pool):
            raise Conflict(f"the organization has a data pool named {pool.name!r}")
        if pool.name != view.pool.name:
            self._pools_changed(f"data pool {pool.id} was renamed")
        return DataPoolView(pool, view.permission)

    def delete(self, caller: Caller, pool_id: str) -> None:
        """Delete a pool with its files and shares (its grants stop working).

        Raises:
            NotFound: no such pool (or invisible).
            Forbidden: the caller is a viewer of the pool.
        """
        pool = self._access.view(caller, pool_id, "MAINTAINER", "delete it").pool
        aside = self._trash / pool.id

        def move_aside() -> None:
            if pool.path.exists():
                self._trash.mkdir(parents=True, exist_ok=True)
                pool.path.rename(aside)

        self._store.delete(pool.id, move_aside)
        shutil.rmtree(aside, ignore_errors=True)
        self._pools_changed(f"data pool {pool.id} was deleted")

    def _pools_changed(self, what: str) -> None:
        """Tell :attr:`on_pools_changed` (if set) that ``what`` happened."""
        if self.on_pools_changed is None:
            return
        try:
            self.on_pools_changed()
        except Exception as error:
            _log.error(
                "%s, but whoever lists the pools was not told (%s: %s)",
                what,
                type(error).__name__,
                error,
            )

    def issue_grant(
        self, caller: Caller, pool_id: str, application_id: str, permission: GrantPermission
    ) -> str:
        """A grant token (see :meth:`PoolGrants.issue`)."""
        return self.grants.issue(caller, pool_id, application_id, permission)

    # -- executions ------------------------------------------------------------------------

    def granted(self, name: str, reference: DataPoolReference, application_id: str) -> GrantedPool:
        """The pool a reference names, once its grant is checked (see :meth:`PoolGrants.check`).

        Raises:
            GrantRefused: the grant can't be used; its ``reason`` says why.
        """
        return self.grants.check(name, reference, application_id)


def _name(details: PoolDetails) -> str:
    name = details.name.strip()
    if not name:
        raise BadRequest("a data pool needs a name")
    return name
