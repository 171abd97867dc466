"""The identity context's tables of applications: applications with their access keys, and
their subscriptions to services.

Subscriptions live beside applications so that deleting an application removes them in the
same transaction; which services exist is the catalog's business (it stores only their ids).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from ..store import Database
from .records import Application, Subscription

__all__ = ["ApplicationStore", "StoredKey"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS applications (
    id TEXT PRIMARY KEY, name TEXT NOT NULL,
    access_key_id TEXT NOT NULL UNIQUE, secret_hash TEXT NOT NULL, created_at TEXT NOT NULL,
    organization_id TEXT, sealed_secret TEXT);
CREATE TABLE IF NOT EXISTS subscriptions (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, application_id TEXT NOT NULL,
    service_id TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (application_id, service_id));
"""
APPLICATION_COLUMNS = "id, name, access_key_id, COALESCE(organization_id, ''), created_at"


def _migrate(db: sqlite3.Connection) -> None:
    """Applications made before organizations had applications of their own belong to the
    Hub's default organization; their secrets were kept only hashed (no sealed copy); they
    are remembered (``applications_before_subscriptions``) to keep them subscribed to every
    service, as they could call every service then."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(applications)")}
    if "organization_id" not in columns:
        # They could call every service before subscriptions existed; they keep doing so.
        legacy = [row[0] for row in db.execute("SELECT id FROM applications")]
        db.execute(
            "INSERT OR REPLACE INTO meta VALUES ('applications_before_subscriptions', ?)",
            (json.dumps(legacy),),
        )
    for column in ("organization_id", "sealed_secret"):
        if column not in columns:
            db.execute(f"ALTER TABLE applications ADD COLUMN {column} TEXT")
    db.execute(
        "UPDATE applications SET organization_id ="
        " (SELECT value FROM meta WHERE key = 'organization_id') WHERE organization_id IS NULL"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS applications_by_organization"
        " ON applications (organization_id, created_at)"
    )


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _application(row: tuple[Any, ...]) -> Application:
    return Application(row[0], row[1], row[2], row[3], _time(row[4]))


def _subscription(row: tuple[Any, ...]) -> Subscription:
    return Subscription(row[0], row[1], row[2], row[3], _time(row[4]))


@dataclass(frozen=True)
class StoredKey:
    """An application's access key as stored: the secret's hash and its sealed copy (None
    for keys made before secrets were kept sealed)."""

    application: Application
    secret_hash: str
    sealed_secret: str | None


class ApplicationStore:
    """Reads and writes of the ``applications`` and ``subscriptions`` tables."""

    def __init__(self, database: Database) -> None:
        database.create_tables(SCHEMA, _migrate)
        self._database = database

    # -- applications ----------------------------------------------------------------------

    def add_application(self, app: Application, secret_hash: str, sealed_secret: str) -> bool:
        """Create an application with its hashed and sealed secret; False (nothing written)
        when its organization already has an application of that name."""
        with self._database.transaction() as db:
            if db.execute(
                "SELECT 1 FROM applications WHERE organization_id = ? AND name = ?",
                (app.organization_id, app.name),
            ).fetchone():
                return False
            db.execute(
                "INSERT INTO applications (id, name, access_key_id, secret_hash, created_at,"
                " organization_id, sealed_secret) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    app.id,
                    app.name,
                    app.access_key_id,
                    secret_hash,
                    app.created_at.isoformat(),
                    app.organization_id,
                    sealed_secret,
                ),
            )
        return True

    def set_application_secret(
        self, app_id: str, secret_hash: str, sealed_secret: str, organization_id: str
    ) -> None:
        """Replace an application's secret (rotation) and settle its organization."""
        with self._database.transaction() as db:
            db.execute(
                "UPDATE applications SET secret_hash = ?, sealed_secret = ?,"
                " organization_id = COALESCE(organization_id, ?) WHERE id = ?",
                (secret_hash, sealed_secret, organization_id, app_id),
            )

    def key(
        self, *, access_key_id: str | None = None, app_id: str | None = None
    ) -> StoredKey | None:
        """An application's stored key, by access key id or application id."""
        column, value = ("access_key_id", access_key_id) if access_key_id else ("id", app_id)
        with self._database.reading() as db:
            row = db.execute(
                f"SELECT {APPLICATION_COLUMNS}, secret_hash, sealed_secret"  # noqa: S608
                f" FROM applications WHERE {column} = ?",
                (value,),
            ).fetchone()
        return StoredKey(_application(row), row[5], row[6]) if row else None

    def application(self, app_id: str) -> Application | None:
        """An application by id."""
        with self._database.reading() as db:
            row = db.execute(
                f"SELECT {APPLICATION_COLUMNS} FROM applications WHERE id = ?",  # noqa: S608
                (app_id,),
            ).fetchone()
        return _application(row) if row else None

    def applications(self, organization_id: str) -> list[Application]:
        """An organization's applications, oldest first."""
        with self._database.reading() as db:
            rows = db.execute(
                f"SELECT {APPLICATION_COLUMNS} FROM applications"  # noqa: S608
                " WHERE organization_id = ? ORDER BY created_at, rowid",
                (organization_id,),
            ).fetchall()
        return [_application(row) for row in rows]

    def first_application(self) -> Application | None:
        """The oldest application (the one the Hub created at first start)."""
        with self._database.reading() as db:
            row = db.execute(
                f"SELECT {APPLICATION_COLUMNS} FROM applications"  # noqa: S608
                " ORDER BY created_at, rowid LIMIT 1"
            ).fetchone()
        return _application(row) if row else None

    def applications_before_subscriptions(self) -> list[str]:
        """The ids of applications made before subscriptions existed (see the migration)."""
        stored = self._database.meta("applications_before_subscriptions")
        return [str(app_id) for app_id in json.loads(stored)] if stored else []

    def delete_application(self, app_id: str) -> None:
        """Delete an application and its subscriptions, in one transaction."""
        with self._database.transaction() as db:
            db.execute("DELETE FROM subscriptions WHERE application_id = ?", (app_id,))
            db.execute("DELETE FROM applications WHERE id = ?", (app_id,))

    # -- subscriptions ---------------------------------------------------------------------

    def add_subscription(self, subscription: Subscription) -> bool:
        """Store a subscription; False (nothing written) when the application is already
        subscribed to the service or no longer exists."""
        with self._database.transaction() as db:
            if not db.execute(
                "SELECT 1 FROM applications WHERE id = ?", (subscription.application_id,)
            ).fetchone():
                return False
            cursor = db.execute(
                "INSERT OR IGNORE INTO subscriptions VALUES (?, ?, ?, ?, ?)",
                (
                    subscription.id,
                    subscription.organization_id,
                    subscription.application_id,
                    subscription.service_id,
                    subscription.created_at.isoformat(),
                ),
            )
            return cursor.rowcount == 1

    def subscription(self, subscription_id: str) -> Subscription | None:
        """A subscription by id."""
        with self._database.reading() as db:
            row = db.execute(
                "SELECT * FROM subscriptions WHERE id = ?", (subscription_id,)
            ).fetchone()
        return _subscription(row) if row else None

    def find_subscription(self, application_id: str, service_id: str) -> Subscription | None:
        """The application's subscription to the service, if it has one."""
        with self._database.reading() as db:
            row = db.execute(
                "SELECT * FROM subscriptions WHERE application_id = ? AND service_id = ?",
                (application_id, service_id),
            ).fetchone()
        return _subscription(row) if row else None

    def subscriptions(self, organization_id: str) -> list[Subscription]:
        """An organization's subscriptions, oldest first."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT * FROM subscriptions WHERE organization_id = ? ORDER BY created_at, rowid",
                (organization_id,),
            ).fetchall()
        return [_subscription(row) for row in rows]

    def delete_subscription(self, subscription_id: str) -> None:
        """Delete a subscription."""
        with self._database.transaction() as db:
            db.execute("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))

    @staticmethod
    def delete_subscriptions_to(db: sqlite3.Connection, service_id: str) -> None:
        """Delete every subscription to a service, inside the transaction that deletes it."""
        db.execute("DELETE FROM subscriptions WHERE service_id = ?", (service_id,))
