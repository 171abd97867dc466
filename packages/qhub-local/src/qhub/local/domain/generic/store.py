"""The generic resources' one table: JSON documents by organization, collection and id."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ..store import Database
from .records import Document

__all__ = ["Documents", "GenericStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS generic_resources (
    organization_id TEXT NOT NULL,
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    document TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, collection, id));
"""

_COLUMNS = "organization_id, collection, id, document, created_at, updated_at"


def _document(row: tuple[str, str, str, str, str, str]) -> Document:
    return Document(
        row[0],
        row[1],
        row[2],
        json.loads(row[3]),
        dt.datetime.fromisoformat(row[4]),
        dt.datetime.fromisoformat(row[5]),
    )


class Documents:
    """Queries on the ``generic_resources`` table, inside one transaction or read."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def get(self, organization_id: str, collection: str, item_id: str) -> Document | None:
        """A document, if the organization has it."""
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM generic_resources "  # noqa: S608 - a constant column list
            "WHERE organization_id = ? AND collection = ? AND id = ?",
            (organization_id, collection, item_id),
        ).fetchone()
        return _document(row) if row else None

    def all(self, organization_id: str, collection: str) -> list[Document]:
        """The organization's documents of a collection, oldest first."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM generic_resources "  # noqa: S608 - a constant column list
            "WHERE organization_id = ? AND collection = ? ORDER BY created_at, rowid",
            (organization_id, collection),
        ).fetchall()
        return [_document(row) for row in rows]

    def put(
        self,
        organization_id: str,
        collection: str,
        item_id: str,
        body: Mapping[str, Any],
        now: dt.datetime,
    ) -> Document:
        """Store a document (its creation time kept when it replaces one)."""
        existing = self.get(organization_id, collection, item_id)
        created = existing.created_at if existing else now
        self._db.execute(
            "INSERT OR REPLACE INTO generic_resources VALUES (?, ?, ?, ?, ?, ?)",
            (
                organization_id,
                collection,
                item_id,
                json.dumps(dict(body)),
                created.isoformat(),
                now.isoformat(),
            ),
        )
        return Document(organization_id, collection, item_id, dict(body), created, now)

    def delete(self, organization_id: str, collection: str, item_id: str) -> bool:
        """Delete a document and everything stored below it (``<collection>/<id>/…``);
        False when there was no such document."""
        below = f"{collection}/{item_id}/" if collection else f"{item_id}/"
        self._db.execute(
            "DELETE FROM generic_resources WHERE organization_id = ? "
            "AND substr(collection, 1, ?) = ?",
            (organization_id, len(below), below),
        )
        deleted = self._db.execute(
            "DELETE FROM generic_resources WHERE organization_id = ? AND collection = ? AND id = ?",
            (organization_id, collection, item_id),
        )
        return deleted.rowcount > 0


class GenericStore:
    """The ``generic_resources`` table of the Hub's database."""

    def __init__(self, database: Database) -> None:
        database.create_tables(SCHEMA)
        self._database = database

    @contextmanager
    def writing(self) -> Iterator[Documents]:
        """The table inside one transaction (every write of one request commits together)."""
        with self._database.transaction() as db:
            yield Documents(db)

    @contextmanager
    def reading(self) -> Iterator[Documents]:
        """The table, for reads."""
        with self._database.reading() as db:
            yield Documents(db)
