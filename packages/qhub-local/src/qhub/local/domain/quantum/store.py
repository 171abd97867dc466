"""The quantum context's tables: jobs and sessions, each stored as one JSON document.

Instants are written as ISO-8601 UTC text with milliseconds (``…T10:30:00.000Z``), so a
job's ``created_at`` column sorts in time order.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ..clock import format_utc, parse_utc
from ..store import Database
from .records import JobRecord, QasmProgram, QasmPrograms, SessionRecord

__all__ = ["QuantumStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS quantum_jobs (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL, document TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS quantum_jobs_by_owner ON quantum_jobs (organization_id, created_at);
CREATE TABLE IF NOT EXISTS quantum_sessions (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, document TEXT NOT NULL);
"""

JOB_INSTANTS = ("created_at", "started_at", "ended_at")
SESSION_INSTANTS = ("created_at", "expires_at", "started_at", "closed_at")


def _text(moment: datetime | None) -> str | None:
    return None if moment is None else format_utc(moment)


def _instant(text: str | None) -> datetime | None:
    return None if text is None else parse_utc(text)


def _job_document(job: JobRecord) -> str:
    document: dict[str, Any] = {**job.__dict__}
    for name in JOB_INSTANTS:
        document[name] = _text(document[name])
    if job.qasm is not None:
        programs = [{"qasm": p.qasm, "name": p.name} for p in job.qasm.programs]
        document["qasm"] = {"format": job.qasm.format, "programs": programs}
    return json.dumps(document)


def _job(document: str) -> JobRecord:
    fields: dict[str, Any] = json.loads(document)
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
    """Reads and writes of the quantum tables."""

    def __init__(self, database: Database) -> None:
        database.create_tables(SCHEMA)
        self._database = database

    def save_job(self, job: JobRecord) -> None:
        """Insert or replace a job."""
        with self._database.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO quantum_jobs VALUES (?, ?, ?, ?, ?)",
                (
                    job.id,
                    job.organization_id,
                    job.status,
                    format_utc(job.created_at),
                    _job_document(job),
                ),
            )

    def job(self, job_id: str) -> JobRecord | None:
        """A job by id."""
        with self._database.reading() as db:
            row = db.execute("SELECT document FROM quantum_jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row[0]) if row else None

    def jobs(self, organization_id: str) -> list[JobRecord]:
        """An organization's jobs, newest first."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT document FROM quantum_jobs WHERE organization_id = ?"
                " ORDER BY created_at DESC",
                (organization_id,),
            ).fetchall()
        return [_job(row[0]) for row in rows]

    def unfinished_jobs(self) -> list[JobRecord]:
        """Jobs still PENDING, RUNNING or CANCELLING."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT document FROM quantum_jobs"
                " WHERE status IN ('PENDING', 'RUNNING', 'CANCELLING')"
            ).fetchall()
        return [_job(row[0]) for row in rows]

    def save_session(self, session: SessionRecord) -> None:
        """Insert or replace a session."""
        with self._database.transaction() as db:
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
