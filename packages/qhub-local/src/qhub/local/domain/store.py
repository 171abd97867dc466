"""The local Hub's durable state: one SQLite file (WAL) shared by every bounded context.

:class:`Database` owns the connection, the lock and transactions, and the ``meta`` table;
each context's ``store`` module owns its own tables (their DDL and every query on them)
and writes through :meth:`Database.transaction`.

A store that fails (a full disk, an I/O error, a lock held past the timeout) raises
:class:`StoreUnavailable` (:func:`store_failure` is the one place that recognises one), and
the transaction is rolled back: no half-written rows. State changes that must not be lost go
through :meth:`Database.eventually` (:mod:`.deferred`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .deferred import DeferredWrites
from .errors import StoreUnavailable

__all__ = ["SCHEMA_VERSION", "Database", "store_failure", "store_faults"]

SCHEMA_VERSION = 2
#: How long a write waits for a lock another process holds before it fails, seconds.
BUSY_TIMEOUT_SECONDS = 5.0
#: How long closing waits for the deferred writes' thread, seconds.
CLOSE_FLUSH_SECONDS = 5.0

#: SQLite's primary result codes that mean the store, not the statement, failed.
_SQLITE_CAUSES = {
    5: "the database is locked by another process",  # SQLITE_BUSY
    6: "the database is locked",  # SQLITE_LOCKED
    10: "a disk I/O error",  # SQLITE_IOERR
    13: "the disk is full",  # SQLITE_FULL
    14: "the database file can't be opened",  # SQLITE_CANTOPEN
}
#: Errors of the data directory's files that mean the disk, not the request, failed.
_OS_CAUSES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EIO: "a disk I/O error",
}


def store_failure(error: BaseException) -> StoreUnavailable | None:
    """The :class:`StoreUnavailable` an error amounts to, or None when it is not a failure
    of the store (a bug, a constraint, a bad path): the one place that tells them apart.

    Recognised: SQLite's "database or disk is full", "disk I/O error", "database is locked"
    (after the busy timeout) and "unable to open database file"; an ``OSError`` ENOSPC,
    EDQUOT or EIO on the data directory's files.
    """
    if isinstance(error, StoreUnavailable):
        return error
    if isinstance(error, sqlite3.OperationalError):
        code = getattr(error, "sqlite_errorcode", None)
        cause = _SQLITE_CAUSES.get(code & 0xFF) if isinstance(code, int) else None
        return StoreUnavailable(f"{cause} ({error})") if cause else None
    if isinstance(error, OSError) and error.errno in _OS_CAUSES:
        return StoreUnavailable(f"{_OS_CAUSES[error.errno]} ({error.strerror or error})")
    return None


@contextmanager
def store_faults() -> Iterator[None]:
    """Raise :class:`StoreUnavailable` for a failure of the store in the block (see
    :func:`store_failure`); anything else passes through unchanged."""
    try:
        yield
    except (sqlite3.Error, OSError) as error:
        failure = store_failure(error)
        if failure is None:
            raise
        raise failure from error


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
