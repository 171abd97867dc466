"""The executions context's tables: executions, and the idempotency keys they were started
under (:mod:`..idempotency`)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..changes import Changes
from ..idempotency import IdempotencyKey, KeyTable
from ..listing import sql_offset
from ..store import Database
from .records import Execution

__all__ = ["ExecutionStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS executions (
    id TEXT PRIMARY KEY, service TEXT NOT NULL, application_id TEXT NOT NULL,
    status TEXT NOT NULL, created_at TEXT NOT NULL, started_at TEXT, ended_at TEXT,
    tags TEXT NOT NULL, workdir TEXT NOT NULL, organization_id TEXT);
CREATE INDEX IF NOT EXISTS executions_by_owner
    ON executions (service, application_id, created_at);
"""
#: The keys executions were started under.
KEYS = KeyTable("execution_idempotency_keys")
COLUMNS = (
    "id, service, application_id, status, created_at, started_at, ended_at, tags, workdir,"
    " COALESCE(organization_id, '')"
)


def _migrate(db: sqlite3.Connection) -> None:
    """Executions remember their organization; those made before belong to the Hub's default
    organization (the only one applications had then)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(executions)")}
    if "organization_id" not in columns:
        db.execute("ALTER TABLE executions ADD COLUMN organization_id TEXT")
    db.execute(
        "UPDATE executions SET organization_id ="
        " (SELECT value FROM meta WHERE key = 'organization_id') WHERE organization_id IS NULL"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS executions_by_organization"
        " ON executions (organization_id, created_at)"
    )
    _count_per_organization(db)


# How many executions each organization has, kept by the database itself: counting them for
# every page's ``totalElements`` took 13 ms at 100 000 (the page itself, 1.4 ms).
COUNTS = """
CREATE TABLE execution_counts (organization_id TEXT PRIMARY KEY, total INTEGER NOT NULL);
INSERT INTO execution_counts
    SELECT COALESCE(organization_id, ''), COUNT(*) FROM executions GROUP BY 1;
CREATE TRIGGER executions_counted AFTER INSERT ON executions BEGIN
    INSERT INTO execution_counts VALUES (COALESCE(NEW.organization_id, ''), 1)
        ON CONFLICT (organization_id) DO UPDATE SET total = total + 1;
END;
CREATE TRIGGER executions_uncounted AFTER DELETE ON executions BEGIN
    UPDATE execution_counts SET total = total - 1
        WHERE organization_id = COALESCE(OLD.organization_id, '');
END;
CREATE TRIGGER executions_recounted AFTER UPDATE OF organization_id ON executions BEGIN
    UPDATE execution_counts SET total = total - 1
        WHERE organization_id = COALESCE(OLD.organization_id, '');
    INSERT INTO execution_counts VALUES (COALESCE(NEW.organization_id, ''), 1)
        ON CONFLICT (organization_id) DO UPDATE SET total = total + 1;
END;
"""


def _count_per_organization(db: sqlite3.Connection) -> None:
    """Create the counts (from the executions there are) the first time."""
    known = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'execution_counts'"
    ).fetchone()
    if known is None:
        for statement in _statements(COUNTS):
            db.execute(statement)


def _statements(script: str) -> list[str]:
    """The statements of ``script`` (a trigger's body keeps its own semicolons)."""
    statements, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


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
        organization_id=row[9],
    )


class ExecutionStore:
    """Reads and writes of the ``executions`` table.

    Args:
        database: the Hub's database.
        changes: told when an execution's status changes (``"execution"``, its id).
    """

    def __init__(self, database: Database, changes: Changes | None = None) -> None:
        database.create_tables(SCHEMA + KEYS.ddl, _migrate)
        self._database = database
        self._changes = Changes() if changes is None else changes

    def reading(self) -> Any:
        """A read of the executions' tables (the idempotency rule looks its keys up with it)."""
        return self._database.reading()

    def add(self, execution: Execution, key: IdempotencyKey | None = None) -> None:
        """Record a new execution; with ``key``, the key it was started under, in the same
        transaction.

        Raises:
            sqlite3.IntegrityError: ``key`` is taken (nothing is recorded).
        """
        with self._database.transaction() as db:
            if key is not None:
                KEYS.record(db, key, execution.id)
            db.execute(
                "INSERT INTO executions (id, service, application_id, status, created_at,"
                " started_at, ended_at, tags, workdir, organization_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    execution.organization_id,
                ),
            )

    def remove(self, execution_id: str) -> None:
        """Forget an execution (one whose start failed: nothing of it is kept, not even the
        idempotency key it was started under)."""
        with self._database.transaction() as db:
            KEYS.forget(db, execution_id)
            db.execute("DELETE FROM executions WHERE id = ?", (execution_id,))

    def eventually(self, description: str, write: Callable[[], object]) -> None:
        """Apply a state change now or as soon as the store accepts it
        (:meth:`Database.eventually`)."""
        self._database.eventually(description, write)

    def get(self, execution_id: str) -> Execution | None:
        """An execution by id."""
        with self._database.reading() as db:
            row = db.execute(
                f"SELECT {COLUMNS} FROM executions WHERE id = ?",  # noqa: S608 - constant columns
                (execution_id,),
            ).fetchone()
        return _execution(row) if row else None

    def of(self, service: str, application_id: str) -> list[Execution]:
        """An application's executions of a service, newest first."""
        with self._database.reading() as db:
            rows = db.execute(
                f"SELECT {COLUMNS} FROM executions"  # noqa: S608 - constant columns
                " WHERE service = ? AND application_id = ? ORDER BY created_at DESC",
                (service, application_id),
            ).fetchall()
        return [_execution(r) for r in rows]

    def of_organization(self, organization_id: str) -> list[Execution]:
        """An organization's executions, newest first."""
        with self._database.reading() as db:
            rows = db.execute(
                f"SELECT {COLUMNS} FROM executions"  # noqa: S608 - constant columns
                " WHERE organization_id = ? ORDER BY created_at DESC, id DESC",
                (organization_id,),
            ).fetchall()
        return [_execution(r) for r in rows]

    def organization_page(
        self, organization_id: str, *, offset: int, limit: int
    ) -> tuple[list[Execution], int]:
        """One slice of an organization's executions, newest first, and how many it has in
        all (the database walks the ``executions_by_organization`` index in order and stops
        at the slice's end: no sort of the whole table)."""
        with self._database.reading() as db:
            counted = db.execute(
                "SELECT total FROM execution_counts WHERE organization_id = ?", (organization_id,)
            ).fetchone()
            total = counted[0] if counted else 0
            rows = db.execute(
                f"SELECT {COLUMNS} FROM executions"  # noqa: S608 - constant columns
                " WHERE organization_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                (organization_id, limit, sql_offset(offset)),
            ).fetchall()
        return [_execution(r) for r in rows], int(total)

    def status_counts(self, organization_id: str) -> dict[str, int]:
        """How many of an organization's executions have each status (absent ones: none)."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT status, COUNT(*) FROM executions WHERE organization_id = ? GROUP BY status",
                (organization_id,),
            ).fetchall()
        return {str(status): int(count) for status, count in rows}

    def unfinished(self) -> list[Execution]:
        """Executions still PENDING or RUNNING."""
        with self._database.reading() as db:
            rows = db.execute(
                f"SELECT {COLUMNS} FROM executions"  # noqa: S608 - constant columns
                " WHERE status IN ('PENDING', 'RUNNING')"
            ).fetchall()
        return [_execution(r) for r in rows]

    def mark_running(self, execution_id: str, started_at: dt.datetime) -> None:
        """PENDING → RUNNING (a no-op once the execution is final)."""
        with self._database.transaction() as db:
            db.execute(
                "UPDATE executions SET status = 'RUNNING', started_at = ? "
                "WHERE id = ? AND status = 'PENDING'",
                (started_at.isoformat(), execution_id),
            )
        self._changes.changed("execution", execution_id)

    def mark_final(self, execution_id: str, status: str, ended_at: dt.datetime) -> bool:
        """Set a final status unless the execution already has one; whether it changed."""
        with self._database.transaction() as db:
            cursor = db.execute(
                "UPDATE executions SET status = ?, ended_at = ? "
                "WHERE id = ? AND status IN ('PENDING', 'RUNNING')",
                (status, ended_at.isoformat(), execution_id),
            )
            changed = cursor.rowcount == 1
        if changed:
            self._changes.changed("execution", execution_id)
        return changed
