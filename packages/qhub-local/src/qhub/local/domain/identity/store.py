"""The identity context's tables of people: users, their access tokens and profile images,
organizations and their members (applications are in ``app_store``; provider tokens in
``provider_token_store``, whose rows go with their organization or user)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..store import Database
from .provider_token_store import ProviderTokenStore
from .records import AccessToken, Membership, Organization, ProfileImage, Role, User

__all__ = ["IdentityStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS access_tokens (
    id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, organization_id TEXT NOT NULL,
    name TEXT NOT NULL, is_default INTEGER NOT NULL, hint TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT, used_at TEXT);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL UNIQUE, document TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS profile_images (
    user_id TEXT PRIMARY KEY, content_type TEXT NOT NULL, content BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS organizations (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
    description TEXT, billing_email TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS memberships (
    organization_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL,
    created_at TEXT NOT NULL, PRIMARY KEY (organization_id, user_id));
CREATE INDEX IF NOT EXISTS memberships_by_user ON memberships (user_id);
"""
ORGANIZATION_COLUMNS = "id, name, display_name, created_at, description, billing_email"


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


def _organization(row: tuple[Any, ...]) -> Organization:
    created = _time(row[3])
    assert created is not None
    return Organization(row[0], row[1], row[2], created, row[4], row[5])


def _membership(row: tuple[Any, ...]) -> Membership:
    created = _time(row[3])
    assert created is not None
    return Membership(row[0], row[1], row[2], created)


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
    """Reads and writes of the identity tables.

    Attributes:
        provider_tokens: the provider tokens' table.
    """

    def __init__(self, database: Database) -> None:
        database.create_tables(SCHEMA, _migrate_personal_access_tokens)
        self._database = database
        self.provider_tokens = ProviderTokenStore(database)
        #: Counts the writes to these tables: what was read after reading this is stale
        #: once it has moved on (a cache of reads checks it first).
        self.generation = 0

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, counted in :attr:`generation`. Counted as it begins, under
        the database's lock: no read sees its data until it commits, so no read can pair the
        count before it with the data after it."""
        with self._database.transaction() as db:
            self.generation += 1
            yield db

    # -- personal access tokens ------------------------------------------------------------

    def replace_default_token(self, token: AccessToken) -> None:
        """Make ``token`` its organization's default token (the previous one stops working)."""
        with self._writing() as db:
            db.execute(
                "DELETE FROM access_tokens WHERE organization_id = ? AND is_default = 1",
                (token.organization_id,),
            )
            _insert_token(db, token)

    def add_access_token(self, token: AccessToken) -> None:
        """Store one more token."""
        with self._writing() as db:
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
        with self._writing() as db:
            db.execute("DELETE FROM access_tokens WHERE id = ?", (token_id,))

    def mark_token_used(self, token_id: str, now: dt.datetime) -> None:
        """Record when a token was last used."""
        with self._writing() as db:
            db.execute(
                "UPDATE access_tokens SET used_at = ? WHERE id = ?", (now.isoformat(), token_id)
            )

    # -- users -----------------------------------------------------------------------------

    def save_user(self, user: User) -> None:
        """Insert or replace a user (stored as one JSON document)."""
        with self._writing() as db:
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
        """Delete a user with their tokens (access and provider tokens), memberships and
        profile image, in one transaction."""
        with self._writing() as db:
            ProviderTokenStore.forget(db, "user", user.id)
            db.execute(
                "DELETE FROM access_tokens WHERE organization_id = ?", (user.organization_id,)
            )
            db.execute("DELETE FROM profile_images WHERE user_id = ?", (user.id,))
            db.execute("DELETE FROM memberships WHERE user_id = ?", (user.id,))
            db.execute("DELETE FROM users WHERE id = ?", (user.id,))

    def set_profile_image(self, user_id: str, image: ProfileImage) -> None:
        """Store (or replace) a user's profile image."""
        with self._writing() as db:
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
        with self._writing() as db:
            db.execute("DELETE FROM profile_images WHERE user_id = ?", (user_id,))

    # -- organizations and members ---------------------------------------------------------

    def ensure_organization(self, organization: Organization, owner: Membership | None) -> None:
        """Insert the organization unless its id exists, and ``owner``'s membership unless
        the user is already a member, in one transaction. A taken ``name`` gets a numbered
        suffix (these organizations are made by the Hub, not named by a caller)."""
        with self._writing() as db:
            if not db.execute(
                "SELECT 1 FROM organizations WHERE id = ?", (organization.id,)
            ).fetchone():
                name, n = organization.name, 1
                while db.execute("SELECT 1 FROM organizations WHERE name = ?", (name,)).fetchone():
                    n += 1
                    name = f"{organization.name}-{n}"
                _insert_organization(db, organization, name)
            if owner is not None:
                db.execute(
                    "INSERT OR IGNORE INTO memberships VALUES (?, ?, ?, ?)",
                    (
                        owner.organization_id,
                        owner.user_id,
                        owner.role,
                        owner.created_at.isoformat(),
                    ),
                )

    def add_organization(self, organization: Organization, owner: Membership) -> bool:
        """Insert an organization with its first owner, in one transaction; False (and nothing
        written) when its name is taken."""
        with self._writing() as db:
            if db.execute(
                "SELECT 1 FROM organizations WHERE name = ?", (organization.name,)
            ).fetchone():
                return False
            _insert_organization(db, organization, organization.name)
            db.execute(
                "INSERT INTO memberships VALUES (?, ?, ?, ?)",
                (owner.organization_id, owner.user_id, owner.role, owner.created_at.isoformat()),
            )
        return True

    def organization(self, organization_id: str) -> Organization | None:
        """An organization by id."""
        with self._database.reading() as db:
            row = db.execute(
                f"SELECT {ORGANIZATION_COLUMNS} FROM organizations WHERE id = ?",  # noqa: S608
                (organization_id,),
            ).fetchone()
        return _organization(row) if row else None

    def organizations(self) -> list[Organization]:
        """Every organization, oldest first."""
        with self._database.reading() as db:
            rows = db.execute(
                f"SELECT {ORGANIZATION_COLUMNS} FROM organizations ORDER BY created_at"  # noqa: S608
            ).fetchall()
        return [_organization(row) for row in rows]

    def rename_organization(self, organization: Organization) -> bool:
        """Store new names and description; False (nothing written) when the name belongs to
        another organization."""
        with self._writing() as db:
            if db.execute(
                "SELECT 1 FROM organizations WHERE name = ? AND id != ?",
                (organization.name, organization.id),
            ).fetchone():
                return False
            db.execute(
                "UPDATE organizations SET name = ?, display_name = ?, description = ? WHERE id = ?",
                (
                    organization.name,
                    organization.display_name,
                    organization.description,
                    organization.id,
                ),
            )
        return True

    def delete_organization(self, organization_id: str) -> str | None:
        """Delete an organization with its memberships and provider tokens in one
        transaction, unless it is a user's own organization or still has applications: then
        nothing is written and the reason is returned."""
        with self._writing() as db:
            if db.execute(
                "SELECT 1 FROM users WHERE organization_id = ?", (organization_id,)
            ).fetchone():
                return "it is a user's own organization (where their personal access tokens act)"
            if db.execute(
                "SELECT 1 FROM applications WHERE organization_id = ?", (organization_id,)
            ).fetchone():
                return "it still has applications; delete them first"
            db.execute("DELETE FROM memberships WHERE organization_id = ?", (organization_id,))
            ProviderTokenStore.forget(db, "organization", organization_id)
            db.execute("DELETE FROM organizations WHERE id = ?", (organization_id,))
        return None

    def membership(self, organization_id: str, user_id: str) -> Membership | None:
        """A user's membership of an organization."""
        with self._database.reading() as db:
            row = db.execute(
                "SELECT * FROM memberships WHERE organization_id = ? AND user_id = ?",
                (organization_id, user_id),
            ).fetchone()
        return _membership(row) if row else None

    def memberships_of_user(self, user_id: str) -> list[Membership]:
        """The organizations a user belongs to, oldest membership first."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT * FROM memberships WHERE user_id = ? ORDER BY created_at", (user_id,)
            ).fetchall()
        return [_membership(row) for row in rows]

    def members(self, organization_id: str) -> list[Membership]:
        """An organization's members, oldest first."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT * FROM memberships WHERE organization_id = ? ORDER BY created_at",
                (organization_id,),
            ).fetchall()
        return [_membership(row) for row in rows]

    def add_membership(self, membership: Membership) -> bool:
        """Add a member; False (nothing written) when the user already is one."""
        with self._writing() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO memberships VALUES (?, ?, ?, ?)",
                (
                    membership.organization_id,
                    membership.user_id,
                    membership.role,
                    membership.created_at.isoformat(),
                ),
            )
            return cursor.rowcount == 1

    def change_membership(self, organization_id: str, user_id: str, role: Role | None) -> bool:
        """Give a member another role, or remove them (``role`` None), unless that would leave
        the organization without an owner: then nothing is written and False returned."""
        with self._writing() as db:
            current = db.execute(
                "SELECT role FROM memberships WHERE organization_id = ? AND user_id = ?",
                (organization_id, user_id),
            ).fetchone()
            other_owners = db.execute(
                "SELECT count(*) FROM memberships"
                " WHERE organization_id = ? AND role = 'OWNER' AND user_id != ?",
                (organization_id, user_id),
            ).fetchone()[0]
            if current and current[0] == "OWNER" and role != "OWNER" and other_owners == 0:
                return False
            if role is None:
                db.execute(
                    "DELETE FROM memberships WHERE organization_id = ? AND user_id = ?",
                    (organization_id, user_id),
                )
            else:
                db.execute(
                    "UPDATE memberships SET role = ? WHERE organization_id = ? AND user_id = ?",
                    (role, organization_id, user_id),
                )
        return True


def _insert_organization(db: sqlite3.Connection, organization: Organization, name: str) -> None:
    db.execute(
        f"INSERT INTO organizations ({ORGANIZATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
        (
            organization.id,
            name,
            organization.display_name,
            organization.created_at.isoformat(),
            organization.description,
            organization.billing_email,
        ),
    )
