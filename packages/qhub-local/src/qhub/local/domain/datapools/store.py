"""The data pools context's table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..store import Database
from .records import DataPool

__all__ = ["DataPoolStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS datapools (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, path TEXT NOT NULL, created_at TEXT NOT NULL);
"""


class DataPoolStore:
    """Reads and writes of the ``datapools`` table."""

    def __init__(self, database: Database) -> None:
        database.create_tables(SCHEMA)
        self._database = database

    def add(self, pool: DataPool) -> None:
        """Create a data pool."""
        with self._database.transaction() as db:
            db.execute(
                "INSERT INTO datapools VALUES (?, ?, ?, ?)",
                (pool.id, pool.name, str(pool.path), pool.created_at.isoformat()),
            )

    def all(self) -> list[DataPool]:
        """All data pools, oldest first."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT id, name, path, created_at FROM datapools ORDER BY created_at"
            ).fetchall()
        return [DataPool(r[0], r[1], Path(r[2]), dt.datetime.fromisoformat(r[3])) for r in rows]

    def get(self, pool_id: str) -> DataPool | None:
        """A data pool by id."""
        with self._database.reading() as db:
            row = db.execute(
                "SELECT id, name, path, created_at FROM datapools WHERE id = ?", (pool_id,)
            ).fetchone()
        return (
            DataPool(row[0], row[1], Path(row[2]), dt.datetime.fromisoformat(row[3]))
            if row
            else None
        )
