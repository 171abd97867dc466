"""The local Hub's durable state: one SQLite file (WAL) shared by every bounded context.

:class:`Database` owns the connection, the lock and transactions, and the ``meta`` table;
each context's ``store`` module owns its own tables (their DDL and every query on them)
and writes through :meth:`Database.transaction`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["SCHEMA_VERSION", "Database"]

SCHEMA_VERSION = 2


class Database:
    """One SQLite connection for the whole Hub; thread-safe.

    Args:
        path: the database file (created if missing).
    """

    def __init__(self, path: Path) -> None:
        # Private to the Hub's user (it holds every execution and the secrets' hashes); SQLite
        # creates the -wal and -shm files with the database file's mode.
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            with contextlib.suppress(FileNotFoundError):
                file.chmod(0o600)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        )
        self.set_meta("schema_version", str(SCHEMA_VERSION))

    def create_tables(
        self, ddl: str, migrate: Callable[[sqlite3.Connection], None] | None = None
    ) -> None:
        """Create a context's tables (idempotent DDL), then run its ``migrate`` step in a
        transaction."""
        with self._lock:
            self._db.executescript(ddl)  # executescript manages its own commit
        if migrate is not None:
            with self.transaction() as db:
                migrate(db)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside ``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on error)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, for reads (under the lock, so no write interleaves)."""
        with self._lock:
            yield self._db

    def meta(self, key: str) -> str | None:
        """A stored setting."""
        with self.reading() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a setting."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
