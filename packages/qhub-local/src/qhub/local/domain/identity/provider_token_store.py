"""The provider tokens table: an organization's or a user's credentials for a quantum
provider, one row per owner and type, each kept sealed (only the Hub's ``SecretBox`` opens
it; the database alone gives none back)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Literal

from ..store import Database

__all__ = ["OwnerKind", "ProviderTokenStore"]

#: Whose tokens: an organization's (``/organizations/{id}/provider-tokens``) or a user's
#: (``/my/provider-tokens``).
OwnerKind = Literal["organization", "user"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS provider_tokens (
    owner_kind TEXT NOT NULL, owner_id TEXT NOT NULL, type TEXT NOT NULL,
    sealed TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, type));
"""


class ProviderTokenStore:
    """Reads and writes of the provider tokens table (the values sealed by the caller)."""

    def __init__(self, database: Database) -> None:
        database.create_tables(SCHEMA)
        self._database = database

    def put(
        self, kind: OwnerKind, owner_id: str, token_type: str, sealed: str, now: dt.datetime
    ) -> None:
        """Store (or replace) an owner's token of one type."""
        with self._database.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO provider_tokens VALUES (?, ?, ?, ?, ?)",
                (kind, owner_id, token_type, sealed, now.isoformat()),
            )

    def sealed(self, kind: OwnerKind, owner_id: str, token_type: str) -> str | None:
        """An owner's sealed token of one type, if stored."""
        with self._database.reading() as db:
            row = db.execute(
                "SELECT sealed FROM provider_tokens"
                " WHERE owner_kind = ? AND owner_id = ? AND type = ?",
                (kind, owner_id, token_type),
            ).fetchone()
        return str(row[0]) if row else None

    def types(self, kind: OwnerKind, owner_id: str) -> set[str]:
        """The types of the owner's stored tokens."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT type FROM provider_tokens WHERE owner_kind = ? AND owner_id = ?",
                (kind, owner_id),
            ).fetchall()
        return {str(row[0]) for row in rows}

    def delete(self, kind: OwnerKind, owner_id: str, token_type: str) -> bool:
        """Remove an owner's token of one type; False when there was none."""
        with self._database.transaction() as db:
            cursor = db.execute(
                "DELETE FROM provider_tokens WHERE owner_kind = ? AND owner_id = ? AND type = ?",
                (kind, owner_id, token_type),
            )
            return cursor.rowcount == 1

    @staticmethod
    def forget(db: sqlite3.Connection, kind: OwnerKind, owner_id: str) -> None:
        """Remove every token of an owner, inside the caller's transaction (the owner's
        deletion)."""
        db.execute(
            "DELETE FROM provider_tokens WHERE owner_kind = ? AND owner_id = ?", (kind, owner_id)
        )
