"""The catalog's tables: managed services (their builds and logs in :mod:`.build_store`) and
what the Platform API says about any service (display name, summary, contacts, …).

A write that also changes the file system (a source archive moved into place, a service's
directory moved away) runs that step through ``inside``: inside the transaction, after the
SQL, so a failing step rolls the rows back.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..store import Database
from .build_store import BuildStore, parse_time
from .records import ManagedService, ServiceDetails

__all__ = ["CatalogStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS managed_services (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, organization_id TEXT NOT NULL,
    version TEXT NOT NULL, created_at TEXT NOT NULL, source_type TEXT NOT NULL,
    source_size INTEGER, source_uploaded_at TEXT, live_build TEXT,
    configuration TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS service_details (
    service_id TEXT PRIMARY KEY, display_name TEXT, summary TEXT, description TEXT,
    contacts TEXT NOT NULL DEFAULT '[]', links TEXT NOT NULL DEFAULT '[]', published TEXT,
    openapi TEXT);
"""
SERVICE_COLUMNS = (
    "id, name, organization_id, version, created_at, source_type, source_size,"
    " source_uploaded_at, live_build, configuration"
)
DETAIL_COLUMNS = "display_name, summary, description, contacts, links, published, openapi"

#: A file-system step run inside a write's transaction.
Inside = Callable[[], None]


def _nothing() -> None:
    return None


def _service(row: tuple[Any, ...]) -> ManagedService:
    created = parse_time(row[4])
    assert created is not None
    return ManagedService(
        id=row[0],
        name=row[1],
        organization_id=row[2],
        version=row[3],
        created_at=created,
        source_type=row[5],
        source_size=row[6],
        source_uploaded_at=parse_time(row[7]),
        live_build=row[8],
        configuration=json.loads(row[9] or "{}"),
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


class CatalogStore(BuildStore):
    """Reads and writes of the catalog's tables (the builds' from :class:`BuildStore`)."""

    def __init__(self, database: Database) -> None:
        database.create_tables(SCHEMA)
        super().__init__(database)

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
