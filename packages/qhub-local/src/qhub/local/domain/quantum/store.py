"""The quantum context's tables: jobs and sessions, each stored as one JSON document, and
the idempotency keys they were created under (:mod:`..idempotency`).

Instants are written as ISO-8601 UTC text with milliseconds (``…T10:30:00.000Z``), so a
job's ``created_at`` column sorts in time order. A job's payload (its input, which may be
megabytes, and its result) lives in a table of its own and is read only with the one job
that needs it, so listings read the small documents alone, a page at a time, along an index.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Literal

from ..changes import Changes
from ..clock import format_utc, parse_utc
from ..idempotency import IdempotencyKey, KeyTable
from ..listing import sql_offset
from ..store import Database
from .records import JobRecord, QasmProgram, QasmPrograms, SessionRecord

__all__ = ["QuantumStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS quantum_jobs (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL, document TEXT NOT NULL,
    session_id TEXT, service_execution_id TEXT);
CREATE INDEX IF NOT EXISTS quantum_jobs_by_owner ON quantum_jobs (organization_id, created_at);
CREATE TABLE IF NOT EXISTS quantum_job_payloads (
    id TEXT PRIMARY KEY, input TEXT NOT NULL, result TEXT);
CREATE TABLE IF NOT EXISTS quantum_sessions (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, document TEXT NOT NULL);
"""
#: Indexes on columns a data dir of an earlier version lacks until :func:`_migrate` adds them.
INDEXES = """
CREATE INDEX IF NOT EXISTS quantum_jobs_by_execution
    ON quantum_jobs (organization_id, service_execution_id, created_at);
CREATE INDEX IF NOT EXISTS quantum_jobs_by_session ON quantum_jobs (session_id, created_at);
"""
#: Sortable job properties (Python names) → the SQL giving their value.
SORT_SQL = {
    "created_at": "created_at",
    "id": "id",
    "status": "status",
    "started_at": "json_extract(document, '$.started_at')",
    "ended_at": "json_extract(document, '$.ended_at')",
    "name": "json_extract(document, '$.name')",
    "backend_id": "json_extract(document, '$.backend_id')",
    "shots": "json_extract(document, '$.shots')",
}

#: The keys jobs and sessions were created under.
KEYS = KeyTable("quantum_idempotency_keys")

JOB_INSTANTS = ("created_at", "started_at", "ended_at")
SESSION_INSTANTS = ("created_at", "expires_at", "started_at", "closed_at")


def _text(moment: datetime | None) -> str | None:
    return None if moment is None else format_utc(moment)


def _instant(text: str | None) -> datetime | None:
    return None if text is None else parse_utc(text)


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a data dir of an earlier version up to date: the columns listings filter on,
    and payloads moved out of the job documents (one pass, in the opening transaction)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(quantum_jobs)")}
    for column in ("session_id", "service_execution_id"):
        if column not in columns:
            db.execute(f"ALTER TABLE quantum_jobs ADD COLUMN {column} TEXT")
    db.execute(
        "INSERT OR REPLACE INTO quantum_job_payloads"
        " SELECT id, json_extract(document, '$.input'), json_extract(document, '$.result')"
        " FROM quantum_jobs WHERE json_type(document, '$.input') IS NOT NULL"
    )
    db.execute(
        "UPDATE quantum_jobs SET"
        " session_id = json_extract(document, '$.session_id'),"
        " service_execution_id = json_extract(document, '$.service_execution_id'),"
        " document = json_remove(document, '$.input', '$.result')"
        " WHERE json_type(document, '$.input') IS NOT NULL"
    )
    for statement in INDEXES.split(";"):
        if statement.strip():
            db.execute(statement)


def _job_document(job: JobRecord) -> str:
    document: dict[str, Any] = {**job.__dict__}
    del document["input"], document["result"]
    for name in JOB_INSTANTS:
        document[name] = _text(document[name])
    if job.qasm is not None:
        programs = [{"qasm": p.qasm, "name": p.name} for p in job.qasm.programs]
        document["qasm"] = {"format": job.qasm.format, "programs": programs}
    return json.dumps(document)


#: What :meth:`QuantumStore.job` reads of a job's payload.
Payload = Literal["all", "result", "none"]
_JOB_READS: dict[str, str] = {
    "all": "SELECT j.document, p.input, p.result FROM quantum_jobs j"
    " LEFT JOIN quantum_job_payloads p ON p.id = j.id WHERE j.id = ?",
    "result": "SELECT j.document, NULL, p.result FROM quantum_jobs j"
    " LEFT JOIN quantum_job_payloads p ON p.id = j.id WHERE j.id = ?",
    "none": "SELECT document FROM quantum_jobs WHERE id = ?",
}


def _job(document: str, input: str | None = None, result: str | None = None) -> JobRecord:
    """A job from its document, with its payload when given (listings leave it out)."""
    fields: dict[str, Any] = json.loads(document)
    fields["input"] = json.loads(input) if input is not None else {}
    fields["result"] = json.loads(result) if result is not None else None
    for name in JOB_INSTANTS:
        fields[name] = _instant(fields.get(name))
    qasm = fields.get("qasm")
    if qasm is not None:
        programs = tuple(QasmProgram(p["qasm"], p.get("name")) for p in qasm["programs"])
        fields["qasm"] = QasmPrograms(qasm["format"], programs)
    return JobRecord(**fields)


def _session_document(session: SessionRecord) -> str:
    document: dict[str, Any] = {**session.__dict__}
    for name in SESSION_INSTANTS:
        document[name] = _text(document[name])
    return json.dumps(document)


def _session(document: str) -> SessionRecord:
    fields: dict[str, Any] = json.loads(document)
    for name in SESSION_INSTANTS:
        fields[name] = _instant(fields.get(name))
    return SessionRecord(**fields)


class QuantumStore:
    """Reads and writes of the quantum tables.

    Args:
        database: the Hub's database.
        changes: told of every job saved (``"job"``, its id), once it is stored.
    """

    def __init__(self, database: Database, changes: Changes | None = None) -> None:
        database.create_tables(SCHEMA + KEYS.ddl, _migrate)
        self._database = database
        self._changes = Changes() if changes is None else changes

    def reading(self) -> Any:
        """A read of the quantum tables (the idempotency rule looks its keys up with it)."""
        return self._database.reading()

    def eventually(self, description: str, write: Callable[[], object]) -> None:
        """Apply a state change now or as soon as the store accepts it
        (:meth:`Database.eventually`)."""
        self._database.eventually(description, write)

    def save_job(self, job: JobRecord, key: IdempotencyKey | None = None) -> None:
        """Insert or replace a job, and its payload when the record carries one (a record
        read without it, as listings and state reads do, keeps the stored input, and sets
        the result if it has one); with ``key``, the key it was created under, in the same
        transaction.

        Raises:
            sqlite3.IntegrityError: ``key`` is taken (nothing is saved).
        """
        with self._database.transaction() as db:
            if key is not None:
                KEYS.record(db, key, job.id)
            db.execute(
                "INSERT OR REPLACE INTO quantum_jobs VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    job.id,
                    job.organization_id,
                    job.status,
                    format_utc(job.created_at),
                    _job_document(job),
                    job.session_id,
                    job.service_execution_id,
                ),
            )
            if not job.input:  # read without its payload: the input is stored already
                if job.result is not None:
                    db.execute(
                        "UPDATE quantum_job_payloads SET result = ? WHERE id = ?",
                        (json.dumps(job.result), job.id),
                    )
            else:
                db.execute(
                    "INSERT INTO quantum_job_payloads VALUES (?, ?, ?) ON CONFLICT (id) DO"
                    " UPDATE SET input = excluded.input, result = COALESCE(excluded.result, result)",
                    (
                        job.id,
                        json.dumps(job.input),
                        None if job.result is None else json.dumps(job.result),
                    ),
                )
        self._changes.changed("job", job.id)

    def job(self, job_id: str, payload: Payload = "all") -> JobRecord | None:
        """A job by id, with its input and result (``payload="all"``), its result only
        (``"result"``), or neither (``"none"``: the state, without reading a possibly large
        input; ``input`` is then empty and ``result`` None)."""
        with self._database.reading() as db:
            row = db.execute(_JOB_READS[payload], (job_id,)).fetchone()
        return _job(*row) if row else None

    def jobs(self, organization_id: str) -> list[JobRecord]:
        """An organization's jobs, newest first, without their payloads."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT document FROM quantum_jobs WHERE organization_id = ?"
                " ORDER BY created_at DESC",
                (organization_id,),
            ).fetchall()
        return [_job(row[0]) for row in rows]

    def jobs_page(
        self,
        organization_id: str,
        *,
        service_execution_id: str | None,
        order: Sequence[tuple[str, bool]],
        offset: int,
        limit: int,
    ) -> tuple[list[JobRecord], int]:
        """One slice of an organization's jobs (a service execution's only, when given),
        without their payloads, and how many there are in all.

        ``order`` is (property, descending) pairs from :data:`SORT_SQL`, the first leading;
        jobs without a value come last either way, then the newest first. Along the default
        order the database walks an index and reads only the slice.
        """
        where = "organization_id = ?"
        arguments: list[Any] = [organization_id]
        if service_execution_id is not None:
            where += " AND service_execution_id = ?"
            arguments.append(service_execution_id)
        terms = []
        for name, descending in order:
            column = SORT_SQL[name]
            terms += [f"{column} IS NULL", f"{column} {'DESC' if descending else 'ASC'}"]
        terms += ["created_at DESC", "id DESC"]
        # Only constants are interpolated (this method's clauses, SORT_SQL's expressions);
        # every value is a bound parameter.
        with self._database.reading() as db:
            (total,) = db.execute(
                f"SELECT COUNT(*) FROM quantum_jobs WHERE {where}",  # noqa: S608
                arguments,
            ).fetchone()
            rows = db.execute(
                f"SELECT document FROM quantum_jobs WHERE {where}"  # noqa: S608
                f" ORDER BY {', '.join(terms)} LIMIT ? OFFSET ?",
                [*arguments, limit, sql_offset(offset)],
            ).fetchall()
        return [_job(row[0]) for row in rows], int(total)

    def session_jobs(self, session_id: str) -> list[JobRecord]:
        """The jobs of a session, oldest first, without their payloads."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT document FROM quantum_jobs WHERE session_id = ? ORDER BY created_at",
                (session_id,),
            ).fetchall()
        return [_job(row[0]) for row in rows]

    def unfinished_jobs(self) -> list[JobRecord]:
        """Jobs still PENDING, RUNNING or CANCELLING, with their payloads (to run them)."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT j.document, p.input, p.result FROM quantum_jobs j"
                " LEFT JOIN quantum_job_payloads p ON p.id = j.id"
                " WHERE j.status IN ('PENDING', 'RUNNING', 'CANCELLING')"
            ).fetchall()
        return [_job(*row) for row in rows]

    def save_session(self, session: SessionRecord, key: IdempotencyKey | None = None) -> None:
        """Insert or replace a session; with ``key``, the key it was created under, in the
        same transaction.

        Raises:
            sqlite3.IntegrityError: ``key`` is taken (nothing is saved).
        """
        with self._database.transaction() as db:
            if key is not None:
                KEYS.record(db, key, session.id)
            db.execute(
                "INSERT OR REPLACE INTO quantum_sessions VALUES (?, ?, ?)",
                (session.id, session.organization_id, _session_document(session)),
            )

    def session(self, session_id: str) -> SessionRecord | None:
        """A session by id."""
        with self._database.reading() as db:
            row = db.execute(
                "SELECT document FROM quantum_sessions WHERE id = ?", (session_id,)
            ).fetchone()
        return _session(row[0]) if row else None

    def sessions(self, organization_id: str) -> list[SessionRecord]:
        """An organization's sessions (in the order they were last saved)."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT document FROM quantum_sessions WHERE organization_id = ?",
                (organization_id,),
            ).fetchall()
        return [_session(row[0]) for row in rows]
