"""The local Hub's durable state: one SQLite file (WAL) shared by every bounded context.

:class:`Database` owns the connection, the lock and transactions, and the ``meta`` table;
each context's ``store`` module owns its own tables (their DDL and every query on them)
and writes through :meth:`Database.transaction`.

A store that fails (a full disk, an I/O error, a lock held past the timeout) raises
:class:`StoreUnavailable` (:func:`~.faults.store_failure` is the one place that recognises one), and
the transaction is rolled back: no half-written rows. State changes that must not be lost go
through :meth:`Database.eventually` (:mod:`.deferred`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .deferred import DeferredWrites
from .faults import store_faults

__all__ = ["SCHEMA_VERSION", "Database"]

SCHEMA_VERSION = 2
#: How long a write waits for a lock another process holds before it fails, seconds.
BUSY_TIMEOUT_SECONDS = 5.0
#: How long closing waits for the deferred writes' thread, seconds.
CLOSE_FLUSH_SECONDS = 5.0


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
        self._db = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS
        )
        self._lock = threading.Lock()
        self._deferred = DeferredWrites()
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
        """The connection inside ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error
        (a failed ``COMMIT`` too: the connection is never left inside a transaction).

        Raises:
            StoreUnavailable: the store failed (nothing of the transaction was kept).
        """
        with self._lock, store_faults():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, for reads (under the lock, so no write interleaves).

        Raises:
            StoreUnavailable: the store failed.
        """
        with self._lock, store_faults():
            yield self._db

    def eventually(self, description: str, write: Callable[[], object]) -> None:
        """Apply a state change (``write``: one transaction, applied only if it still makes
        sense when it runs) now, or as soon as the store accepts it: see :mod:`.deferred`.

        Args:
            description: what changes, for the log (ids and statuses, never data).
            write: the change.
        """
        self._deferred.write(description, write)

    @property
    def pending_writes(self) -> int:
        """How many state changes wait for the store to accept them."""
        return self._deferred.pending

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
        """Try the state changes still waiting once more, then close the database."""
        self._deferred.flush(CLOSE_FLUSH_SECONDS)
        with self._lock:
            self._db.close()
