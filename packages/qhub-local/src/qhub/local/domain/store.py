"""The local Hub's durable state: one SQLite file (WAL) shared by every bounded context.

:class:`Database` owns the connection, the lock and transactions, and the ``meta`` table;
each context's ``store`` module owns its own tables (their DDL and every query on them)
and writes through :meth:`Database.transaction`.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .models import Execution

if TYPE_CHECKING:
    from .quantum import JobRecord, SessionRecord

__all__ = ["Database", "Store"]

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS executions (
    id TEXT PRIMARY KEY, service TEXT NOT NULL, application_id TEXT NOT NULL,
    status TEXT NOT NULL, created_at TEXT NOT NULL, started_at TEXT, ended_at TEXT,
    tags TEXT NOT NULL, workdir TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS executions_by_owner
    ON executions (service, application_id, created_at);
CREATE TABLE IF NOT EXISTS quantum_jobs (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL, document TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS quantum_jobs_by_owner ON quantum_jobs (organization_id, created_at);
CREATE TABLE IF NOT EXISTS quantum_sessions (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, document TEXT NOT NULL);
"""


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


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

    # -- executions ------------------------------------------------------------------------

    _COLUMNS = (
        "id, service, application_id, status, created_at, started_at, ended_at, tags, workdir"
    )

    @staticmethod
    def _execution(row: tuple[str, ...]) -> Execution:
        created = _time(row[4])
        assert created is not None
        return Execution(
            id=row[0],
            service=row[1],
            application_id=row[2],
            status=row[3],
            created_at=created,
            started_at=_time(row[5]),
            ended_at=_time(row[6]),
            tags=json.loads(row[7]),
            workdir=Path(row[8]),
        )

    def add_execution(self, execution: Execution) -> None:
        """Record a new execution."""
        with self._database.transaction() as db:
            db.execute(
                "INSERT INTO executions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    execution.id,
                    execution.service,
                    execution.application_id,
                    execution.status,
                    execution.created_at.isoformat(),
                    None,
                    None,
                    json.dumps(execution.tags),
                    str(execution.workdir),
                ),
            )

    def execution(self, execution_id: str) -> Execution | None:
        """An execution by id."""
        with self._database.reading() as db:
            row = db.execute(
                "SELECT id, service, application_id, status, created_at, started_at, ended_at, tags, workdir "
                "FROM executions WHERE id = ?",
                (execution_id,),
            ).fetchone()
        return self._execution(row) if row else None

    def executions(self, service: str, application_id: str) -> list[Execution]:
        """An application's executions of a service, newest first."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT id, service, application_id, status, created_at, started_at, ended_at, tags, workdir "
                "FROM executions WHERE service = ? AND application_id = ? "
                "ORDER BY created_at DESC",
                (service, application_id),
            ).fetchall()
        return [self._execution(r) for r in rows]

    def mark_running(self, execution_id: str, started_at: dt.datetime) -> None:
        """PENDING → RUNNING (a no-op once the execution is final)."""
        with self._database.transaction() as db:
            db.execute(
                "UPDATE executions SET status = 'RUNNING', started_at = ? "
                "WHERE id = ? AND status = 'PENDING'",
                (started_at.isoformat(), execution_id),
            )

    def mark_final(self, execution_id: str, status: str, ended_at: dt.datetime) -> bool:
        """Set a final status unless the execution already has one; whether it changed."""
        with self._database.transaction() as db:
            cursor = db.execute(
                "UPDATE executions SET status = ?, ended_at = ? "
                "WHERE id = ? AND status IN ('PENDING', 'RUNNING')",
                (status, ended_at.isoformat(), execution_id),
            )
            return cursor.rowcount == 1

    def unfinished_executions(self) -> list[Execution]:
        """Executions still PENDING or RUNNING."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT id, service, application_id, status, created_at, started_at, ended_at, tags, workdir "
                "FROM executions WHERE status IN ('PENDING', 'RUNNING')"
            ).fetchall()
        return [self._execution(r) for r in rows]

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
