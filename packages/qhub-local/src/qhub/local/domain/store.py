"""The local Hub's durable state: one SQLite file (WAL) shared by every bounded context.

:class:`Database` owns the connection, the lock and transactions, and the ``meta`` table;
each context's ``store`` module owns its own tables (their DDL and every query on them)
and writes through :meth:`Database.transaction`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .quantum import JobRecord, SessionRecord

__all__ = ["Database", "Store"]

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS quantum_jobs (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL, document TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS quantum_jobs_by_owner ON quantum_jobs (organization_id, created_at);
CREATE TABLE IF NOT EXISTS quantum_sessions (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, document TEXT NOT NULL);
"""


class Database:
    """One SQLite connection for the whole Hub; thread-safe.

    Args:
        path: the database file (created if missing).
    """

    def __init__(self, path: Path) -> None:
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


class Store:
    """The tables not yet moved to their context."""

    def __init__(self, database: Database) -> None:
        database.create_tables(SCHEMA)
        self._database = database

    # -- quantum jobs ----------------------------------------------------------------------

    def save_job(self, job: JobRecord) -> None:
        """Insert or replace a job (stored as one JSON document)."""
        document = json.dumps(job.__dict__)
        with self._database.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO quantum_jobs VALUES (?, ?, ?, ?, ?)",
                (job.id, job.organization_id, job.status, job.created_at, document),
            )

    def job(self, job_id: str) -> JobRecord | None:
        """A job by id."""
        from .quantum import job_from_row

        with self._database.reading() as db:
            row = db.execute("SELECT document FROM quantum_jobs WHERE id = ?", (job_id,)).fetchone()
        return job_from_row(row) if row else None

    def jobs(self, organization_id: str) -> list[JobRecord]:
        """An organization's jobs, newest first."""
        from .quantum import job_from_row

        with self._database.reading() as db:
            rows = db.execute(
                "SELECT document FROM quantum_jobs WHERE organization_id = ? ORDER BY created_at DESC",
                (organization_id,),
            ).fetchall()
        return [job_from_row(r) for r in rows]

    def unfinished_jobs(self) -> list[JobRecord]:
        """Jobs still PENDING, RUNNING or CANCELLING."""
        from .quantum import job_from_row

        with self._database.reading() as db:
            rows = db.execute(
                "SELECT document FROM quantum_jobs WHERE status IN ('PENDING', 'RUNNING', 'CANCELLING')"
            ).fetchall()
        return [job_from_row(r) for r in rows]

    def save_session(self, session: SessionRecord) -> None:
        """Insert or replace a session (stored as one JSON document)."""
        with self._database.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO quantum_sessions VALUES (?, ?, ?)",
                (session.id, session.organization_id, json.dumps(session.__dict__)),
            )

    def session(self, session_id: str) -> SessionRecord | None:
        """A session by id."""
        from .quantum import session_from_row

        with self._database.reading() as db:
            row = db.execute(
                "SELECT document FROM quantum_sessions WHERE id = ?", (session_id,)
            ).fetchone()
        return session_from_row(row) if row else None

    def sessions(self, organization_id: str) -> list[SessionRecord]:
        """An organization's sessions."""
        from .quantum import session_from_row

        with self._database.reading() as db:
            rows = db.execute(
                "SELECT document FROM quantum_sessions WHERE organization_id = ?",
                (organization_id,),
            ).fetchall()
        return [session_from_row(r) for r in rows]
