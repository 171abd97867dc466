"""The catalog's tables: managed services, their builds and build logs, and what the Platform
API says about any service (display name, summary, contacts, publication, …).

A write that also changes the file system (a source archive moved into place, a service's
directory moved away) runs that step through ``inside``: inside the transaction, after the
SQL, so a failing step rolls the rows back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from ..store import Database
from .records import (
    Build,
    BuildLogLine,
    BuildStatus,
    BuildStep,
    ManagedService,
    ServiceDetails,
    Severity,
    Validation,
)

__all__ = ["CatalogStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS managed_services (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, organization_id TEXT NOT NULL,
    version TEXT NOT NULL, created_at TEXT NOT NULL, source_type TEXT NOT NULL,
    source_size INTEGER, source_uploaded_at TEXT, live_build TEXT,
    configuration TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS managed_service_builds (
    id TEXT PRIMARY KEY, service_id TEXT NOT NULL, status TEXT NOT NULL, step TEXT NOT NULL,
    created_at TEXT NOT NULL, finished_at TEXT, validation TEXT, workspace TEXT);
CREATE INDEX IF NOT EXISTS managed_service_builds_by_service
    ON managed_service_builds (service_id, created_at);
CREATE TABLE IF NOT EXISTS managed_service_build_log (
    build_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, severity TEXT NOT NULL,
    message TEXT NOT NULL, PRIMARY KEY (build_id, seq));
CREATE TABLE IF NOT EXISTS service_details (
    service_id TEXT PRIMARY KEY, display_name TEXT, summary TEXT, description TEXT,
    contacts TEXT NOT NULL DEFAULT '[]', links TEXT NOT NULL DEFAULT '[]', published TEXT,
    openapi TEXT);
"""
SERVICE_COLUMNS = (
    "id, name, organization_id, version, created_at, source_type, source_size,"
    " source_uploaded_at, live_build, configuration"
)
BUILD_COLUMNS = "id, service_id, status, step, created_at, finished_at, validation, workspace"
DETAIL_COLUMNS = "display_name, summary, description, contacts, links, published, openapi"

#: A file-system step run inside a write's transaction.
Inside = Callable[[], None]


def _nothing() -> None:
    return None


def _time(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _service(row: tuple[Any, ...]) -> ManagedService:
    created = _time(row[4])
    assert created is not None
    return ManagedService(
        id=row[0],
        name=row[1],
        organization_id=row[2],
        version=row[3],
        created_at=created,
        source_type=row[5],
        source_size=row[6],
        source_uploaded_at=_time(row[7]),
        live_build=row[8],
        configuration=json.loads(row[9] or "{}"),
    )


def _validation(text: str | None) -> Validation | None:
    if not text:
        return None
    data = json.loads(text)
    return Validation(data["state"], data["summary"], tuple(data["messages"]))


def _build(row: tuple[Any, ...]) -> Build:
    created = _time(row[4])
    assert created is not None
    return Build(
        id=row[0],
        service_id=row[1],
        status=cast(BuildStatus, row[2]),
        step=cast(BuildStep, row[3]),
        created_at=created,
        finished_at=_time(row[5]),
        validation=_validation(row[6]),
        workspace=Path(row[7]) if row[7] else None,
    )


def _details(row: tuple[Any, ...] | None) -> ServiceDetails:
    if row is None:
        return ServiceDetails()
    return ServiceDetails(
        display_name=row[0],
        summary=row[1],
        description=row[2],
        contacts=tuple(json.loads(row[3] or "[]")),
        links=tuple(json.loads(row[4] or "[]")),
        published=row[5],
        openapi=row[6],
    )


class CatalogStore:
    """Reads and writes of the catalog's tables."""

    def __init__(self, database: Database) -> None:
        database.create_tables(SCHEMA)
        self._database = database

    # -- managed services ------------------------------------------------------------------

    def add_service(self, service: ManagedService, details: ServiceDetails) -> bool:
        """Record a new managed service with its details; False (nothing written) when its
        name is taken."""
        with self._database.transaction() as db:
            if db.execute(
                "SELECT 1 FROM managed_services WHERE name = ?", (service.name,)
            ).fetchone():
                return False
            db.execute(
                f"INSERT INTO managed_services ({SERVICE_COLUMNS})"  # noqa: S608 - constant columns
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    service.id,
                    service.name,
                    service.organization_id,
                    service.version,
                    service.created_at.isoformat(),
                    service.source_type,
                    service.source_size,
                    None,
                    None,
                    json.dumps(service.configuration),
                ),
            )
            self._put_details(db, service.id, details)
        return True

    def service(self, service_id: str) -> ManagedService | None:
        """A managed service by id."""
        with self._database.reading() as db:
            row = db.execute(
                f"SELECT {SERVICE_COLUMNS} FROM managed_services WHERE id = ?",  # noqa: S608 - constant columns
                (service_id,),
            ).fetchone()
        return _service(row) if row else None

    def live_workspaces(self) -> dict[str, Path]:
        """Where each served managed service's live build is, by service id."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT s.id, b.workspace FROM managed_services s JOIN managed_service_builds b"
                " ON b.id = s.live_build WHERE b.workspace IS NOT NULL"
            ).fetchall()
        return {row[0]: Path(row[1]) for row in rows}

    def services(self) -> list[ManagedService]:
        """Every managed service, oldest first."""
        with self._database.reading() as db:
            rows = db.execute(
                f"SELECT {SERVICE_COLUMNS} FROM managed_services ORDER BY created_at, rowid"  # noqa: S608 - constant columns
            ).fetchall()
        return [_service(row) for row in rows]

    def set_source(self, service_id: str, size: int, at: dt.datetime, inside: Inside) -> bool:
        """Record an uploaded source and run ``inside`` (which moves it into place); False
        (nothing written) when the service is gone."""
        with self._database.transaction() as db:
            changed = db.execute(
                "UPDATE managed_services SET source_type = 'file', source_size = ?,"
                " source_uploaded_at = ? WHERE id = ?",
                (size, at.isoformat(), service_id),
            ).rowcount
            if changed:
                inside()
        return bool(changed)

    def set_source_type(self, service_id: str, source_type: str) -> None:
        """Record the kind of source the service is told to take."""
        with self._database.transaction() as db:
            db.execute(
                "UPDATE managed_services SET source_type = ? WHERE id = ?",
                (source_type, service_id),
            )

    def update_configuration(
        self, service_id: str, change: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> None:
        """Replace a service's configuration by ``change`` of it (one transaction)."""
        with self._database.transaction() as db:
            row = db.execute(
                "SELECT configuration FROM managed_services WHERE id = ?", (service_id,)
            ).fetchone()
            if row is not None:
                configuration = change(json.loads(row[0] or "{}"))
                db.execute(
                    "UPDATE managed_services SET configuration = ? WHERE id = ?",
                    (json.dumps(configuration), service_id),
                )

    def delete_service(
        self,
        service_id: str,
        also: Callable[[sqlite3.Connection], None],
        inside: Inside = _nothing,
    ) -> None:
        """Delete a managed service with its builds, their logs and its details; ``also``
        deletes what other contexts hold of it (subscriptions), in the same transaction."""
        with self._database.transaction() as db:
            also(db)
            db.execute(
                "DELETE FROM managed_service_build_log WHERE build_id IN"
                " (SELECT id FROM managed_service_builds WHERE service_id = ?)",
                (service_id,),
            )
            db.execute("DELETE FROM managed_service_builds WHERE service_id = ?", (service_id,))
            db.execute("DELETE FROM service_details WHERE service_id = ?", (service_id,))
            db.execute("DELETE FROM managed_services WHERE id = ?", (service_id,))
            inside()

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
            moment = _time(at)
            assert moment is not None
            lines.append(BuildLogLine(moment, cast(Severity, severity), message))
        return lines

    # -- details of any service ------------------------------------------------------------

    def details(self, service_id: str) -> ServiceDetails:
        """What the Platform API set about a service (defaults when nothing)."""
        with self._database.reading() as db:
            row = db.execute(
                f"SELECT {DETAIL_COLUMNS} FROM service_details WHERE service_id = ?",  # noqa: S608 - constant columns
                (service_id,),
            ).fetchone()
        return _details(row)

    def all_details(self) -> dict[str, ServiceDetails]:
        """Every service's details, by service id."""
        with self._database.reading() as db:
            rows = db.execute(
                f"SELECT service_id, {DETAIL_COLUMNS} FROM service_details"  # noqa: S608 - constant columns
            ).fetchall()
        return {row[0]: _details(row[1:]) for row in rows}

    def update_details(
        self, service_id: str, change: Callable[[ServiceDetails], ServiceDetails]
    ) -> ServiceDetails:
        """Replace a service's details by ``change`` of the current ones (one transaction)."""
        with self._database.transaction() as db:
            row = db.execute(
                f"SELECT {DETAIL_COLUMNS} FROM service_details WHERE service_id = ?",  # noqa: S608 - constant columns
                (service_id,),
            ).fetchone()
            details = change(_details(row))
            self._put_details(db, service_id, details)
        return details

    @staticmethod
    def _put_details(db: sqlite3.Connection, service_id: str, details: ServiceDetails) -> None:
        db.execute(
            f"INSERT OR REPLACE INTO service_details (service_id, {DETAIL_COLUMNS})"  # noqa: S608 - constant columns
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                service_id,
                details.display_name,
                details.summary,
                details.description,
                json.dumps(list(details.contacts)),
                json.dumps(list(details.links)),
                details.published,
                details.openapi,
            ),
        )
