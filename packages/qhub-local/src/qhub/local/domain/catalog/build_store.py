"""The catalog's tables of managed services' builds and their logs (see :mod:`.store`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from ..store import Database
from .records import Build, BuildLogLine, BuildStatus, BuildStep, Severity, Validation

__all__ = ["BuildStore", "parse_time"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS managed_service_builds (
    id TEXT PRIMARY KEY, service_id TEXT NOT NULL, status TEXT NOT NULL, step TEXT NOT NULL,
    created_at TEXT NOT NULL, finished_at TEXT, validation TEXT, workspace TEXT);
CREATE INDEX IF NOT EXISTS managed_service_builds_by_service
    ON managed_service_builds (service_id, created_at);
CREATE TABLE IF NOT EXISTS managed_service_build_log (
    build_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, severity TEXT NOT NULL,
    message TEXT NOT NULL, PRIMARY KEY (build_id, seq));
"""
BUILD_COLUMNS = "id, service_id, status, step, created_at, finished_at, validation, workspace"


def parse_time(text: str | None) -> dt.datetime | None:
    """An instant as stored (None stays None)."""
    if text is None:
        return None
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _validation(text: str | None) -> Validation | None:
    if not text:
        return None
    data = json.loads(text)
    return Validation(data["state"], data["summary"], tuple(data["messages"]))


def _build(row: tuple[Any, ...]) -> Build:
    created = parse_time(row[4])
    assert created is not None
    return Build(
        id=row[0],
        service_id=row[1],
        status=cast(BuildStatus, row[2]),
        step=cast(BuildStep, row[3]),
        created_at=created,
        finished_at=parse_time(row[5]),
        validation=_validation(row[6]),
        workspace=Path(row[7]) if row[7] else None,
    )


class BuildStore:
    """Reads and writes of the builds' tables."""

    def __init__(self, database: Database) -> None:
        database.create_tables(SCHEMA)
        self._database = database

    def eventually(self, description: str, write: Callable[[], object]) -> None:
        """Apply a state change now or as soon as the store accepts it
        (:meth:`Database.eventually`)."""
        self._database.eventually(description, write)

    # -- builds ----------------------------------------------------------------------------

    def add_build(self, build: Build) -> str:
        """Record a new build, and forget the service's older builds but the live one.

        Returns:
            ``"added"``, or ``"busy"`` (a build of the service is working) or ``"gone"``
            (no such service), both with nothing written.
        """
        with self._database.transaction() as db:
            row = db.execute(
                "SELECT live_build FROM managed_services WHERE id = ?", (build.service_id,)
            ).fetchone()
            if row is None:
                return "gone"
            if db.execute(
                "SELECT 1 FROM managed_service_builds WHERE service_id = ? AND status = 'WORKING'",
                (build.service_id,),
            ).fetchone():
                return "busy"
            old = "SELECT id FROM managed_service_builds WHERE service_id = ? AND id IS NOT ?"
            db.execute(
                f"DELETE FROM managed_service_build_log WHERE build_id IN ({old})",  # noqa: S608 - constant text
                (build.service_id, row[0]),
            )
            db.execute(
                "DELETE FROM managed_service_builds WHERE service_id = ? AND id IS NOT ?",
                (build.service_id, row[0]),
            )
            db.execute(
                f"INSERT INTO managed_service_builds ({BUILD_COLUMNS})"  # noqa: S608 - constant columns
                " VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL)",
                (
                    build.id,
                    build.service_id,
                    build.status,
                    build.step,
                    build.created_at.isoformat(),
                ),
            )
        return "added"

    def build(self, build_id: str) -> Build | None:
        """A build by id."""
        with self._database.reading() as db:
            row = db.execute(
                f"SELECT {BUILD_COLUMNS} FROM managed_service_builds WHERE id = ?",  # noqa: S608 - constant columns
                (build_id,),
            ).fetchone()
        return _build(row) if row else None

    def latest_build(self, service_id: str) -> Build | None:
        """A service's newest build."""
        with self._database.reading() as db:
            row = db.execute(
                f"SELECT {BUILD_COLUMNS} FROM managed_service_builds WHERE service_id = ?"  # noqa: S608 - constant columns
                " ORDER BY created_at DESC, rowid DESC LIMIT 1",
                (service_id,),
            ).fetchone()
        return _build(row) if row else None

    def working_builds(self) -> list[Build]:
        """Every build still marked working."""
        with self._database.reading() as db:
            rows = db.execute(
                f"SELECT {BUILD_COLUMNS} FROM managed_service_builds WHERE status = 'WORKING'"  # noqa: S608 - constant columns
            ).fetchall()
        return [_build(row) for row in rows]

    def set_build_progress(
        self, build_id: str, step: BuildStep, workspace: Path | None = None
    ) -> None:
        """Record a working build's step (and where its workspace is, once known)."""
        with self._database.transaction() as db:
            db.execute(
                "UPDATE managed_service_builds SET step = ?, workspace = COALESCE(?, workspace)"
                " WHERE id = ? AND status = 'WORKING'",
                (step, str(workspace) if workspace else None, build_id),
            )

    def finish_build(
        self,
        build_id: str,
        status: BuildStatus,
        at: dt.datetime,
        validation: Validation | None,
        line: BuildLogLine,
    ) -> tuple[bool, str | None]:
        """End a working build with its last log line, in one transaction; on ``SUCCESS``
        it becomes its service's live build (the one before is forgotten).

        Returns:
            Whether the build was working (else nothing is written), and the build the
            service served before this one succeeded (None when none did).
        """
        with self._database.transaction() as db:
            row = db.execute(
                "SELECT service_id FROM managed_service_builds WHERE id = ? AND status = 'WORKING'",
                (build_id,),
            ).fetchone()
            if row is None:
                return False, None
            checked = json.dumps(dataclasses.asdict(validation)) if validation else None
            db.execute(
                "UPDATE managed_service_builds SET status = ?, finished_at = ?,"
                " validation = COALESCE(?, validation) WHERE id = ?",
                (status, at.isoformat(), checked, build_id),
            )
            self._append(db, build_id, line)
            if status != "SUCCESS":
                return True, None
            (before,) = db.execute(
                "SELECT live_build FROM managed_services WHERE id = ?", (row[0],)
            ).fetchone()
            db.execute(
                "UPDATE managed_services SET live_build = ? WHERE id = ?", (build_id, row[0])
            )
            if before:
                db.execute("DELETE FROM managed_service_build_log WHERE build_id = ?", (before,))
                db.execute("DELETE FROM managed_service_builds WHERE id = ?", (before,))
        return True, before

    # -- build logs ------------------------------------------------------------------------

    def append_log(self, build_id: str, line: BuildLogLine) -> None:
        """Add a line to a build's log."""
        with self._database.transaction() as db:
            self._append(db, build_id, line)

    @staticmethod
    def _append(db: sqlite3.Connection, build_id: str, line: BuildLogLine) -> None:
        db.execute(
            "INSERT INTO managed_service_build_log (build_id, seq, at, severity, message)"
            " SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM managed_service_build_log"
            " WHERE build_id = ?",
            (build_id, line.timestamp.isoformat(), line.severity, line.message, build_id),
        )

    def log(self, build_id: str) -> list[BuildLogLine]:
        """A build's log, in order."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT at, severity, message FROM managed_service_build_log"
                " WHERE build_id = ? ORDER BY seq",
                (build_id,),
            ).fetchall()
        lines = []
        for at, severity, message in rows:
            moment = parse_time(at)
            assert moment is not None
            lines.append(BuildLogLine(moment, cast(Severity, severity), message))
        return lines
