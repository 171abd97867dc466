"""The local Hub's durable state: one SQLite file (WAL), every change in a transaction."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .models import AccessToken, Application, DataPool, Execution, User

if TYPE_CHECKING:
    from .quantum import JobRecord, SessionRecord

__all__ = ["Store"]

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS applications (
    id TEXT PRIMARY KEY, name TEXT NOT NULL,
    access_key_id TEXT NOT NULL UNIQUE, secret_hash TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS access_tokens (
    id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, organization_id TEXT NOT NULL,
    name TEXT NOT NULL, is_default INTEGER NOT NULL, hint TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT, used_at TEXT);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL UNIQUE, document TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS profile_images (
    user_id TEXT PRIMARY KEY, content_type TEXT NOT NULL, content BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS datapools (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, path TEXT NOT NULL, created_at TEXT NOT NULL);
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


def _migrate_personal_access_tokens(db: sqlite3.Connection) -> None:
    """Schema 1 kept one hashed token per organization; schema 2 keeps named tokens."""
    old = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'personal_access_tokens'"
    ).fetchone()
    if old:
        db.execute(
            "INSERT OR IGNORE INTO access_tokens SELECT lower(hex(randomblob(16))), token_hash,"
            " organization_id, 'default', 1, '', created_at, NULL, NULL"
            " FROM personal_access_tokens"
        )
        db.execute("DROP TABLE personal_access_tokens")


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


class Store:
    """Business-level reads and writes over the SQLite file; thread-safe."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)  # idempotent DDL; executescript manages its own commit
        with self._transaction() as db:
            _migrate_personal_access_tokens(db)
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    # -- meta ------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A stored setting."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a setting."""
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- applications and tokens -----------------------------------------------------------

    def add_application(self, app: Application, secret_hash: str, now: dt.datetime) -> None:
        """Create an application with its hashed secret."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO applications VALUES (?, ?, ?, ?, ?)",
                (app.id, app.name, app.access_key_id, secret_hash, now.isoformat()),
            )

    def set_application_secret(self, app_id: str, secret_hash: str) -> None:
        """Replace an application's secret (rotation)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE applications SET secret_hash = ? WHERE id = ?", (secret_hash, app_id)
            )

    def application_by_key(self, access_key_id: str) -> tuple[Application, str] | None:
        """The application owning an access key, with its secret hash."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, name, access_key_id, secret_hash FROM applications WHERE access_key_id = ?",
                (access_key_id,),
            ).fetchone()
        return (Application(row[0], row[1], row[2]), row[3]) if row else None

    def application(self, app_id: str) -> Application | None:
        """An application by id."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, name, access_key_id FROM applications WHERE id = ?", (app_id,)
            ).fetchone()
        return Application(*row) if row else None

    def first_application(self) -> Application | None:
        """The oldest application (the one the Hub created at first start)."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, name, access_key_id FROM applications ORDER BY created_at LIMIT 1"
            ).fetchone()
        return Application(*row) if row else None

    @staticmethod
    def _token(row: tuple[Any, ...]) -> AccessToken:
        # Columns in table order (SCHEMA): id, token_hash, organization_id, name, is_default,
        # hint, created_at, expires_at, used_at.
        created = _time(row[6])
        assert created is not None
        return AccessToken(
            row[0],
            row[1],
            row[2],
            row[3],
            bool(row[4]),
            row[5],
            created,
            _time(row[7]),
            _time(row[8]),
        )

    def replace_default_token(self, token: AccessToken) -> None:
        """Make ``token`` its organization's default token (the previous one stops working)."""
        with self._transaction() as db:
            db.execute(
                "DELETE FROM access_tokens WHERE organization_id = ? AND is_default = 1",
                (token.organization_id,),
            )
            self._insert_token(db, token)

    def add_access_token(self, token: AccessToken) -> None:
        """Store one more token."""
        with self._transaction() as db:
            self._insert_token(db, token)

    @staticmethod
    def _insert_token(db: sqlite3.Connection, token: AccessToken) -> None:
        db.execute(
            "INSERT INTO access_tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                token.id,
                token.token_hash,
                token.organization_id,
                token.name,
                int(token.is_default),
                token.hint,
                token.created_at.isoformat(),
                token.expires_at.isoformat() if token.expires_at else None,
                token.used_at.isoformat() if token.used_at else None,
            ),
        )

    def access_token(self, token_hash: str) -> AccessToken | None:
        """A token by hash (expired ones too)."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM access_tokens WHERE token_hash = ?",
                (token_hash,),
            ).fetchone()
        return self._token(row) if row else None

    def access_tokens(self, organization_id: str) -> list[AccessToken]:
        """An organization's tokens, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM access_tokens WHERE organization_id = ? ORDER BY created_at",
                (organization_id,),
            ).fetchall()
        return [self._token(row) for row in rows]

    def delete_access_token(self, token_id: str) -> None:
        """Revoke a token."""
        with self._transaction() as db:
            db.execute("DELETE FROM access_tokens WHERE id = ?", (token_id,))

    def mark_token_used(self, token_id: str, now: dt.datetime) -> None:
        """Record when a token was last used."""
        with self._transaction() as db:
            db.execute(
                "UPDATE access_tokens SET used_at = ? WHERE id = ?", (now.isoformat(), token_id)
            )

    def organization_for_token(self, token_hash: str, now: dt.datetime) -> str | None:
        """The organization of a personal access token unexpired at ``now``, by hash."""
        token = self.access_token(token_hash)
        if token is None or (token.expires_at is not None and token.expires_at <= now):
            return None
        return token.organization_id

    # -- users -----------------------------------------------------------------------------

    def save_user(self, user: User) -> None:
        """Insert or replace a user (stored as one JSON document)."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO users VALUES (?, ?, ?)",
                (user.id, user.organization_id, json.dumps(user.__dict__)),
            )

    def users(self) -> list[User]:
        """Every user."""
        with self._lock:
            rows = self._db.execute("SELECT document FROM users ORDER BY rowid").fetchall()
        return [User(**json.loads(row[0])) for row in rows]

    def user(self, user_id: str) -> User | None:
        """A user by id."""
        with self._lock:
            row = self._db.execute("SELECT document FROM users WHERE id = ?", (user_id,)).fetchone()
        return User(**json.loads(row[0])) if row else None

    def user_of_organization(self, organization_id: str) -> User | None:
        """The user of an organization."""
        with self._lock:
            row = self._db.execute(
                "SELECT document FROM users WHERE organization_id = ?", (organization_id,)
            ).fetchone()
        return User(**json.loads(row[0])) if row else None

    def delete_user(self, user: User) -> None:
        """Delete a user with their tokens and profile image, in one transaction."""
        with self._transaction() as db:
            db.execute(
                "DELETE FROM access_tokens WHERE organization_id = ?", (user.organization_id,)
            )
            db.execute("DELETE FROM profile_images WHERE user_id = ?", (user.id,))
            db.execute("DELETE FROM users WHERE id = ?", (user.id,))

    def set_profile_image(self, user_id: str, content_type: str, content: bytes) -> None:
        """Store (or replace) a user's profile image."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO profile_images VALUES (?, ?, ?)",
                (user_id, content_type, content),
            )

    def profile_image(self, user_id: str) -> tuple[str, bytes] | None:
        """A user's profile image: (content type, bytes)."""
        with self._lock:
            row = self._db.execute(
                "SELECT content_type, content FROM profile_images WHERE user_id = ?", (user_id,)
            ).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def delete_profile_image(self, user_id: str) -> None:
        """Remove a user's profile image."""
        with self._transaction() as db:
            db.execute("DELETE FROM profile_images WHERE user_id = ?", (user_id,))

    # -- data pools ------------------------------------------------------------------------

    def add_datapool(self, pool: DataPool) -> None:
        """Create a data pool."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO datapools VALUES (?, ?, ?, ?)",
                (pool.id, pool.name, str(pool.path), pool.created_at.isoformat()),
            )

    def datapools(self) -> list[DataPool]:
        """All data pools, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, name, path, created_at FROM datapools ORDER BY created_at"
            ).fetchall()
        return [DataPool(r[0], r[1], Path(r[2]), dt.datetime.fromisoformat(r[3])) for r in rows]

    def datapool(self, pool_id: str) -> DataPool | None:
        """A data pool by id."""
        return next((p for p in self.datapools() if p.id == pool_id), None)

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
        with self._transaction() as db:
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
        with self._lock:
            row = self._db.execute(
                "SELECT id, service, application_id, status, created_at, started_at, ended_at, tags, workdir "
                "FROM executions WHERE id = ?",
                (execution_id,),
            ).fetchone()
        return self._execution(row) if row else None

    def executions(self, service: str, application_id: str) -> list[Execution]:
        """An application's executions of a service, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, service, application_id, status, created_at, started_at, ended_at, tags, workdir "
                "FROM executions WHERE service = ? AND application_id = ? "
                "ORDER BY created_at DESC",
                (service, application_id),
            ).fetchall()
        return [self._execution(r) for r in rows]

    def mark_running(self, execution_id: str, started_at: dt.datetime) -> None:
        """PENDING → RUNNING (a no-op once the execution is final)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE executions SET status = 'RUNNING', started_at = ? "
                "WHERE id = ? AND status = 'PENDING'",
                (started_at.isoformat(), execution_id),
            )

    def mark_final(self, execution_id: str, status: str, ended_at: dt.datetime) -> bool:
        """Set a final status unless the execution already has one; whether it changed."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE executions SET status = ?, ended_at = ? "
                "WHERE id = ? AND status IN ('PENDING', 'RUNNING')",
                (status, ended_at.isoformat(), execution_id),
            )
            return cursor.rowcount == 1

    def unfinished_executions(self) -> list[Execution]:
        """Executions still PENDING or RUNNING."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, service, application_id, status, created_at, started_at, ended_at, tags, workdir "
                "FROM executions WHERE status IN ('PENDING', 'RUNNING')"
            ).fetchall()
        return [self._execution(r) for r in rows]

    # -- quantum jobs ----------------------------------------------------------------------

    def save_job(self, job: JobRecord) -> None:
        """Insert or replace a job (stored as one JSON document)."""
        document = json.dumps(job.__dict__)
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO quantum_jobs VALUES (?, ?, ?, ?, ?)",
                (job.id, job.organization_id, job.status, job.created_at, document),
            )

    def job(self, job_id: str) -> JobRecord | None:
        """A job by id."""
        from .quantum import job_from_row

        with self._lock:
            row = self._db.execute(
                "SELECT document FROM quantum_jobs WHERE id = ?", (job_id,)
            ).fetchone()
        return job_from_row(row) if row else None

    def jobs(self, organization_id: str) -> list[JobRecord]:
        """An organization's jobs, newest first."""
        from .quantum import job_from_row

        with self._lock:
            rows = self._db.execute(
                "SELECT document FROM quantum_jobs WHERE organization_id = ? ORDER BY created_at DESC",
                (organization_id,),
            ).fetchall()
        return [job_from_row(r) for r in rows]

    def unfinished_jobs(self) -> list[JobRecord]:
        """Jobs still PENDING, RUNNING or CANCELLING."""
        from .quantum import job_from_row

        with self._lock:
            rows = self._db.execute(
                "SELECT document FROM quantum_jobs WHERE status IN ('PENDING', 'RUNNING', 'CANCELLING')"
            ).fetchall()
        return [job_from_row(r) for r in rows]

    def save_session(self, session: SessionRecord) -> None:
        """Insert or replace a session (stored as one JSON document)."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO quantum_sessions VALUES (?, ?, ?)",
                (session.id, session.organization_id, json.dumps(session.__dict__)),
            )

    def session(self, session_id: str) -> SessionRecord | None:
        """A session by id."""
        from .quantum import session_from_row

        with self._lock:
            row = self._db.execute(
                "SELECT document FROM quantum_sessions WHERE id = ?", (session_id,)
            ).fetchone()
        return session_from_row(row) if row else None

    def sessions(self, organization_id: str) -> list[SessionRecord]:
        """An organization's sessions."""
        from .quantum import session_from_row

        with self._lock:
            rows = self._db.execute(
                "SELECT document FROM quantum_sessions WHERE organization_id = ?",
                (organization_id,),
            ).fetchall()
        return [session_from_row(r) for r in rows]
