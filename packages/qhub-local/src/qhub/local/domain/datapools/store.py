"""The data pools context's tables: pools, their files, shares and share constraints.

A write that also changes the file system (a file moved into a pool, a pool's directory
moved away) runs that step through ``inside``: inside the transaction, after the SQL, so a
failing step rolls the rows back and a refused row leaves the files alone.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

from ..identity import Role
from ..store import Database
from .records import DataPool, DataPoolFile, Share, ShareConstraint, TenantType

__all__ = ["DataPoolStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS datapools (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL, created_at TEXT NOT NULL,
    organization_id TEXT NOT NULL, short_description TEXT, description TEXT,
    tags TEXT NOT NULL DEFAULT '[]', UNIQUE (organization_id, name));
CREATE TABLE IF NOT EXISTS datapool_files (
    id TEXT PRIMARY KEY, datapool_id TEXT NOT NULL, name TEXT NOT NULL,
    content_type TEXT NOT NULL, size INTEGER NOT NULL, created_at TEXT NOT NULL,
    UNIQUE (datapool_id, name));
CREATE TABLE IF NOT EXISTS datapool_shares (
    id TEXT PRIMARY KEY, datapool_id TEXT NOT NULL, tenant_type TEXT NOT NULL,
    tenant_id TEXT NOT NULL, role TEXT NOT NULL, created_at TEXT NOT NULL,
    UNIQUE (datapool_id, tenant_type, tenant_id));
CREATE TABLE IF NOT EXISTS datapool_share_constraints (
    share_id TEXT NOT NULL, id TEXT NOT NULL, valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL, PRIMARY KEY (share_id, id));
CREATE INDEX IF NOT EXISTS datapool_shares_by_tenant
    ON datapool_shares (tenant_type, tenant_id);
"""
POOL_COLUMNS = "id, name, path, created_at, organization_id, short_description, description, tags"
FILE_COLUMNS = "id, datapool_id, name, content_type, size, created_at"

#: A file-system step run inside a write's transaction.
Inside = Callable[[], None]


def _nothing() -> None:
    return None


def _migrate(db: sqlite3.Connection) -> None:
    """Pools made before pools belonged to organizations (their names unique Hub-wide) belong
    to the Hub's default organization; the table is rebuilt to make names unique per
    organization."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(datapools)")}
    if not columns or "organization_id" in columns:
        return  # a new database, or one migrated already
    db.execute("ALTER TABLE datapools RENAME TO datapools_before_organizations")
    db.execute(SCHEMA.split(";")[0])
    db.execute(
        "INSERT INTO datapools (id, name, path, created_at, organization_id)"
        " SELECT id, name, path, created_at,"
        " COALESCE((SELECT value FROM meta WHERE key = 'organization_id'), '')"
        " FROM datapools_before_organizations"
    )
    db.execute("DROP TABLE datapools_before_organizations")


def _time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _pool(row: tuple[Any, ...]) -> DataPool:
    return DataPool(
        id=row[0],
        name=row[1],
        path=Path(row[2]),
        created_at=_time(row[3]),
        organization_id=row[4],
        short_description=row[5],
        description=row[6],
        tags=tuple(json.loads(row[7] or "[]")),
    )


def _file(row: tuple[Any, ...]) -> DataPoolFile:
    return DataPoolFile(row[0], row[1], row[2], row[3], int(row[4]), _time(row[5]))


class DataPoolStore:
    """Reads and writes of the data pools context's tables."""

    def __init__(self, database: Database) -> None:
        database.create_tables("", _migrate)  # an older table first becomes today's
        database.create_tables(SCHEMA)
        self._database = database

    # -- pools -----------------------------------------------------------------------------

    def add(self, pool: DataPool, inside: Inside = _nothing) -> bool:
        """Create a data pool; False (nothing written) when its organization has one of
        that name."""
        with self._database.transaction() as db:
            if self._name_taken(db, pool):
                return False
            db.execute(
                f"INSERT INTO datapools ({POOL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant columns
                (
                    pool.id,
                    pool.name,
                    str(pool.path),
                    pool.created_at.isoformat(),
                    pool.organization_id,
                    pool.short_description,
                    pool.description,
                    json.dumps(list(pool.tags)),
                ),
            )
            inside()
        return True

    def update(self, pool: DataPool) -> bool:
        """Replace a pool's name and description; False (nothing written) when another pool
        of its organization has that name."""
        with self._database.transaction() as db:
            if self._name_taken(db, pool):
                return False
            db.execute(
                "UPDATE datapools SET name = ?, short_description = ?, description = ?,"
                " tags = ? WHERE id = ?",
                (
                    pool.name,
                    pool.short_description,
                    pool.description,
                    json.dumps(list(pool.tags)),
                    pool.id,
                ),
            )
        return True

    @staticmethod
    def _name_taken(db: sqlite3.Connection, pool: DataPool) -> bool:
        row = db.execute(
            "SELECT 1 FROM datapools WHERE organization_id = ? AND name = ? AND id != ?",
            (pool.organization_id, pool.name, pool.id),
        ).fetchone()
        return row is not None

    def delete(self, pool_id: str, inside: Inside = _nothing) -> None:
        """Delete a pool with its files' records, shares and their constraints."""
        with self._database.transaction() as db:
            db.execute(
                "DELETE FROM datapool_share_constraints WHERE share_id IN"
                " (SELECT id FROM datapool_shares WHERE datapool_id = ?)",
                (pool_id,),
            )
            db.execute("DELETE FROM datapool_shares WHERE datapool_id = ?", (pool_id,))
            db.execute("DELETE FROM datapool_files WHERE datapool_id = ?", (pool_id,))
            db.execute("DELETE FROM datapools WHERE id = ?", (pool_id,))
            inside()

    def all(self) -> list[DataPool]:
        """All data pools, oldest first."""
        with self._database.reading() as db:
            rows = db.execute(f"SELECT {POOL_COLUMNS} FROM datapools ORDER BY created_at")  # noqa: S608 - constant columns
            return [_pool(row) for row in rows.fetchall()]

    def get(self, pool_id: str) -> DataPool | None:
        """A data pool by id."""
        with self._database.reading() as db:
            row = db.execute(
                f"SELECT {POOL_COLUMNS} FROM datapools WHERE id = ?",  # noqa: S608 - constant columns
                (pool_id,),
            ).fetchone()
        return _pool(row) if row else None

    def of_organization(self, organization_id: str) -> list[DataPool]:
        """An organization's own pools, oldest first."""
        with self._database.reading() as db:
            rows = db.execute(
                f"SELECT {POOL_COLUMNS} FROM datapools WHERE organization_id = ?"  # noqa: S608 - constant columns
                " ORDER BY created_at",
                (organization_id,),
            )
            return [_pool(row) for row in rows.fetchall()]

    # -- files -----------------------------------------------------------------------------

    def files(self, pool_id: str) -> list[DataPoolFile]:
        """A pool's files, by name."""
        with self._database.reading() as db:
            rows = db.execute(
                f"SELECT {FILE_COLUMNS} FROM datapool_files WHERE datapool_id = ? ORDER BY name",  # noqa: S608 - constant columns
                (pool_id,),
            )
            return [_file(row) for row in rows.fetchall()]

    def add_file(self, file: DataPoolFile, inside: Inside = _nothing) -> str:
        """Record a file, then run ``inside`` (which puts it in place).

        Returns:
            ``"added"``, or ``"taken"`` (the pool has a file of that name) or ``"gone"``
            (the pool was deleted), both with nothing written.
        """
        with self._database.transaction() as db:
            if db.execute("SELECT 1 FROM datapools WHERE id = ?", (file.datapool_id,)).fetchone():
                taken = db.execute(
                    "SELECT 1 FROM datapool_files WHERE datapool_id = ? AND name = ?",
                    (file.datapool_id, file.name),
                ).fetchone()
                if taken:
                    return "taken"
                self._insert_file(db, file)
                inside()
                return "added"
        return "gone"

    @staticmethod
    def _insert_file(db: sqlite3.Connection, file: DataPoolFile) -> None:
        db.execute(
            f"INSERT INTO datapool_files ({FILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant columns
            (
                file.id,
                file.datapool_id,
                file.name,
                file.content_type,
                file.size,
                file.created_at.isoformat(),
            ),
        )

    def delete_file(self, file_id: str, inside: Inside = _nothing) -> None:
        """Forget a file, then run ``inside`` (which removes it)."""
        with self._database.transaction() as db:
            db.execute("DELETE FROM datapool_files WHERE id = ?", (file_id,))
            inside()

    def sync_files(
        self,
        pool_id: str,
        added: Iterable[DataPoolFile],
        resized: Iterable[tuple[str, int]],
        removed: Iterable[str],
        still_there: Callable[[str], bool],
    ) -> None:
        """Bring a pool's records in line with its directory: add files found there (unless
        a record of the name appeared meanwhile, or the file is gone again), update sizes,
        drop records of files no longer there (unless the file is back)."""
        with self._database.transaction() as db:
            for file in added:
                known = db.execute(
                    "SELECT 1 FROM datapool_files WHERE datapool_id = ? AND name = ?",
                    (pool_id, file.name),
                ).fetchone()
                if not known and still_there(file.name):
                    self._insert_file(db, file)
            for file_id, size in resized:
                db.execute("UPDATE datapool_files SET size = ? WHERE id = ?", (size, file_id))
            for file_id in removed:
                row = db.execute(
                    "SELECT name FROM datapool_files WHERE id = ?", (file_id,)
                ).fetchone()
                if row and not still_there(row[0]):
                    db.execute("DELETE FROM datapool_files WHERE id = ?", (file_id,))

    # -- shares ----------------------------------------------------------------------------

    def shares(self, pool_id: str) -> list[Share]:
        """A pool's shares, oldest first, with their constraints."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT id, datapool_id, tenant_type, tenant_id, role, created_at"
                " FROM datapool_shares WHERE datapool_id = ? ORDER BY created_at",
                (pool_id,),
            ).fetchall()
            return [self._share(db, row) for row in rows]

    def shares_with(self, organization_id: str, user_id: str | None) -> list[Share]:
        """The shares given to an organization or to a user, oldest first."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT id, datapool_id, tenant_type, tenant_id, role, created_at"
                " FROM datapool_shares WHERE (tenant_type = 'ORGANIZATION' AND tenant_id = ?)"
                " OR (tenant_type = 'USER' AND tenant_id = ?) ORDER BY created_at",
                (organization_id, user_id or ""),
            ).fetchall()
            return [self._share(db, row) for row in rows]

    @staticmethod
    def _share(db: sqlite3.Connection, row: tuple[Any, ...]) -> Share:
        constraints = tuple(
            ShareConstraint(c[0], c[1], _time(c[2]), _time(c[3]))
            for c in db.execute(
                "SELECT id, share_id, valid_from, valid_until FROM datapool_share_constraints"
                " WHERE share_id = ? ORDER BY id",
                (row[0],),
            ).fetchall()
        )
        return Share(
            id=row[0],
            datapool_id=row[1],
            tenant_type=cast(TenantType, row[2]),
            tenant_id=row[3],
            role=cast(Role, row[4]),
            created_at=_time(row[5]),
            constraints=constraints,
        )

    def add_share(self, share: Share) -> bool:
        """Record a share; False (nothing written) when the pool is shared with that tenant
        already."""
        with self._database.transaction() as db:
            taken = db.execute(
                "SELECT 1 FROM datapool_shares WHERE datapool_id = ? AND tenant_type = ?"
                " AND tenant_id = ?",
                (share.datapool_id, share.tenant_type, share.tenant_id),
            ).fetchone()
            if taken:
                return False
            db.execute(
                "INSERT INTO datapool_shares VALUES (?, ?, ?, ?, ?, ?)",
                (
                    share.id,
                    share.datapool_id,
                    share.tenant_type,
                    share.tenant_id,
                    share.role,
                    share.created_at.isoformat(),
                ),
            )
        return True

    def set_share_role(self, share_id: str, role: Role) -> None:
        """Change a share's role."""
        with self._database.transaction() as db:
            db.execute("UPDATE datapool_shares SET role = ? WHERE id = ?", (role, share_id))

    def delete_share(self, share_id: str) -> None:
        """Delete a share with its constraints."""
        with self._database.transaction() as db:
            db.execute("DELETE FROM datapool_share_constraints WHERE share_id = ?", (share_id,))
            db.execute("DELETE FROM datapool_shares WHERE id = ?", (share_id,))

    def put_constraint(self, constraint: ShareConstraint) -> None:
        """Add a share's constraint, or replace the one with its id."""
        with self._database.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO datapool_share_constraints VALUES (?, ?, ?, ?)",
                (
                    constraint.share_id,
                    constraint.id,
                    constraint.valid_from.isoformat(),
                    constraint.valid_until.isoformat(),
                ),
            )

    def delete_constraint(self, share_id: str, constraint_id: str) -> None:
        """Delete a share's constraint."""
        with self._database.transaction() as db:
            db.execute(
                "DELETE FROM datapool_share_constraints WHERE share_id = ? AND id = ?",
                (share_id, constraint_id),
            )
