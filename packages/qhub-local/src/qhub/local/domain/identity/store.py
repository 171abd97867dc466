"""The identity context's tables: applications, access tokens, users and profile images."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from ..store import Database
from .records import AccessToken, Application, ProfileImage, User

__all__ = ["IdentityStore"]

SCHEMA = """
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


def _token(row: tuple[Any, ...]) -> AccessToken:
    # Columns in table order (SCHEMA): id, token_hash, organization_id, name, is_default,
    # hint, created_at, expires_at, used_at.
    created = _time(row[6])
    assert created is not None
    return AccessToken(
        row[0], row[1], row[2], row[3], bool(row[4]), row[5], created, _time(row[7]), _time(row[8])
    )


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


class IdentityStore:
    """Reads and writes of the identity tables."""

    def __init__(self, database: Database) -> None:
        database.create_tables(SCHEMA, _migrate_personal_access_tokens)
        self._database = database

    # -- applications ----------------------------------------------------------------------

    def add_application(self, app: Application, secret_hash: str, now: dt.datetime) -> None:
        """Create an application with its hashed secret."""
        with self._database.transaction() as db:
            db.execute(
                "INSERT INTO applications VALUES (?, ?, ?, ?, ?)",
                (app.id, app.name, app.access_key_id, secret_hash, now.isoformat()),
            )

    def set_application_secret(self, app_id: str, secret_hash: str) -> None:
        """Replace an application's secret (rotation)."""
        with self._database.transaction() as db:
            db.execute(
                "UPDATE applications SET secret_hash = ? WHERE id = ?", (secret_hash, app_id)
            )

    def application_by_key(self, access_key_id: str) -> tuple[Application, str] | None:
        """The application owning an access key, with its secret hash."""
        with self._database.reading() as db:
            row = db.execute(
                "SELECT id, name, access_key_id, secret_hash FROM applications"
                " WHERE access_key_id = ?",
                (access_key_id,),
            ).fetchone()
        return (Application(row[0], row[1], row[2]), row[3]) if row else None

    def application(self, app_id: str) -> Application | None:
        """An application by id."""
        with self._database.reading() as db:
            row = db.execute(
                "SELECT id, name, access_key_id FROM applications WHERE id = ?", (app_id,)
            ).fetchone()
        return Application(*row) if row else None

    def first_application(self) -> Application | None:
        """The oldest application (the one the Hub created at first start)."""
        with self._database.reading() as db:
            row = db.execute(
                "SELECT id, name, access_key_id FROM applications ORDER BY created_at LIMIT 1"
            ).fetchone()
        return Application(*row) if row else None

    # -- personal access tokens ------------------------------------------------------------

    def replace_default_token(self, token: AccessToken) -> None:
        """Make ``token`` its organization's default token (the previous one stops working)."""
        with self._database.transaction() as db:
            db.execute(
                "DELETE FROM access_tokens WHERE organization_id = ? AND is_default = 1",
                (token.organization_id,),
            )
            _insert_token(db, token)

    def add_access_token(self, token: AccessToken) -> None:
        """Store one more token."""
        with self._database.transaction() as db:
            _insert_token(db, token)

    def access_token(self, token_hash: str) -> AccessToken | None:
        """A token by hash (expired ones too)."""
        with self._database.reading() as db:
            row = db.execute(
                "SELECT * FROM access_tokens WHERE token_hash = ?", (token_hash,)
            ).fetchone()
        return _token(row) if row else None

    def access_tokens(self, organization_id: str) -> list[AccessToken]:
        """An organization's tokens, oldest first."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT * FROM access_tokens WHERE organization_id = ? ORDER BY created_at",
                (organization_id,),
            ).fetchall()
        return [_token(row) for row in rows]

    def delete_access_token(self, token_id: str) -> None:
        """Revoke a token."""
        with self._database.transaction() as db:
            db.execute("DELETE FROM access_tokens WHERE id = ?", (token_id,))

    def mark_token_used(self, token_id: str, now: dt.datetime) -> None:
        """Record when a token was last used."""
        with self._database.transaction() as db:
            db.execute(
                "UPDATE access_tokens SET used_at = ? WHERE id = ?", (now.isoformat(), token_id)
            )

    # -- users -----------------------------------------------------------------------------

    def save_user(self, user: User) -> None:
        """Insert or replace a user (stored as one JSON document)."""
        with self._database.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO users VALUES (?, ?, ?)",
                (user.id, user.organization_id, json.dumps(user.__dict__)),
            )

    def users(self) -> list[User]:
        """Every user, in the order they were last saved."""
        with self._database.reading() as db:
            rows = db.execute("SELECT document FROM users ORDER BY rowid").fetchall()
        return [User(**json.loads(row[0])) for row in rows]

    def user(self, user_id: str) -> User | None:
        """A user by id."""
        with self._database.reading() as db:
            row = db.execute("SELECT document FROM users WHERE id = ?", (user_id,)).fetchone()
        return User(**json.loads(row[0])) if row else None

    def user_of_organization(self, organization_id: str) -> User | None:
        """The user of an organization."""
        with self._database.reading() as db:
            row = db.execute(
                "SELECT document FROM users WHERE organization_id = ?", (organization_id,)
            ).fetchone()
        return User(**json.loads(row[0])) if row else None

    def delete_user(self, user: User) -> None:
        """Delete a user with their tokens and profile image, in one transaction."""
        with self._database.transaction() as db:
            db.execute(
                "DELETE FROM access_tokens WHERE organization_id = ?", (user.organization_id,)
            )
            db.execute("DELETE FROM profile_images WHERE user_id = ?", (user.id,))
            db.execute("DELETE FROM users WHERE id = ?", (user.id,))

    def set_profile_image(self, user_id: str, image: ProfileImage) -> None:
        """Store (or replace) a user's profile image."""
        with self._database.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO profile_images VALUES (?, ?, ?)",
                (user_id, image.content_type, image.content),
            )

    def profile_image(self, user_id: str) -> ProfileImage | None:
        """A user's profile image."""
        with self._database.reading() as db:
            row = db.execute(
                "SELECT content_type, content FROM profile_images WHERE user_id = ?", (user_id,)
            ).fetchone()
        return ProfileImage(row[0], bytes(row[1])) if row else None

    def delete_profile_image(self, user_id: str) -> None:
        """Remove a user's profile image."""
        with self._database.transaction() as db:
            db.execute("DELETE FROM profile_images WHERE user_id = ?", (user_id,))
