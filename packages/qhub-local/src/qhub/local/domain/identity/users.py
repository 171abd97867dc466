"""The user service's rules: local users, their profiles and personal access tokens.

Each local user is the one member of its own organization. Tokens are stored hashed: a
token's value is shown once, when it is made; afterwards only its name, dates and a hint
(its last four characters) are. A token past its ``expires_at`` no longer authenticates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Iterable

from ..clock import utc_now
from ..errors import BadRequest, NotFound, PayloadTooLarge, Unauthorized
from .inputs import UNCHANGED, NewToken, ProfileChanges
from .records import AccessToken, ProfileImage, Registration, User
from .secrets import hash_secret, new_secret
from .store import IdentityStore

__all__ = ["PROFILE_IMAGE_TYPES", "Users"]

PROFILE_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
MAX_PROFILE_IMAGE_BYTES = 2 << 20
#: How stale ``used_at`` may get before a use is written down (not one write per request).
USED_AT_RESOLUTION = dt.timedelta(minutes=1)


class Users:
    """Local users and their tokens, persisted in the Hub's store."""

    def __init__(self, store: IdentityStore) -> None:
        self._store = store
        #: Called with (organization id, new token) when a default token is replaced.
        self.on_default_token: Callable[[str, str], None] | None = None

    # -- identities ------------------------------------------------------------------------

    def ensure_user(self, organization_id: str, username: str) -> User:
        """The organization's user, created on first need."""
        user = self._store.user_of_organization(organization_id)
        if user is None:
            user = User(
                id=str(uuid.uuid4()),
                organization_id=organization_id,
                username=username,
                email=f"{username}@localhost",
                firstname=username.title(),
                lastname="User",
            )
            self._store.save_user(user)
        return user

    def authenticate(self, token: str | None) -> tuple[User, AccessToken]:
        """The user and token behind a personal access token.

        Raises:
            Unauthorized: missing, unknown, revoked or expired.
        """
        if not token:
            raise Unauthorized("an X-Auth-Token header is required")
        stored = self._store.access_token(hash_secret(token))
        now = utc_now()
        if stored is None:
            raise Unauthorized("the X-Auth-Token is not a valid personal access token")
        if stored.expires_at is not None and stored.expires_at <= now:
            raise Unauthorized(f"the personal access token {stored.name!r} has expired")
        user = self._store.user_of_organization(stored.organization_id)
        if user is None:
            raise Unauthorized("the user of this token has been deleted")
        if stored.used_at is None or now - stored.used_at > USED_AT_RESOLUTION:
            self._store.mark_token_used(stored.id, now)
            stored = dataclasses.replace(stored, used_at=now)
        return user, stored

    def organization_of(self, token: str) -> str | None:
        """The organization of a personal access token, unless it is unknown or expired."""
        stored = self.valid_token(token)
        return None if stored is None else stored.organization_id

    def valid_token(self, token: str) -> AccessToken | None:
        """A personal access token as stored, unless it is unknown or expired."""
        stored = self._store.access_token(hash_secret(token))
        if stored is None or (stored.expires_at is not None and stored.expires_at <= utc_now()):
            return None
        return stored

    # -- the signed-in user ----------------------------------------------------------------

    def update(self, user: User, changes: ProfileChanges) -> User:
        """Apply ``changes`` to the user's profile and save it."""
        for attribute in ("current_position", "homepage", "about"):
            value = getattr(changes, attribute)
            if value is not UNCHANGED:
                setattr(user, attribute, value)
        self._store.save_user(user)
        return user

    def delete(self, user: User) -> None:
        """Delete the user, their tokens and their image."""
        self._store.delete_user(user)

    def set_profile_image(self, user: User, content_type: str, content: bytes) -> None:
        """Store a profile image.

        Raises:
            BadRequest: not a PNG, JPEG, GIF or WebP image, or empty.
            PayloadTooLarge: over 2 MiB.
        """
        if content_type not in PROFILE_IMAGE_TYPES:
            raise BadRequest(
                f"the profile image must be PNG, JPEG, GIF or WebP, not {content_type!r}"
            )
        if not content:
            raise BadRequest("the profile image is empty")
        if len(content) > MAX_PROFILE_IMAGE_BYTES:
            raise PayloadTooLarge(
                f"the profile image is {len(content)} bytes; at most {MAX_PROFILE_IMAGE_BYTES}"
            )
        self._store.set_profile_image(user.id, ProfileImage(content_type, content))

    def delete_profile_image(self, user: User) -> None:
        """Remove the profile image (none is fine)."""
        self._store.delete_profile_image(user.id)

    def profile_image(self, user_id: str) -> ProfileImage | None:
        """A user's profile image, if they have one."""
        return self._store.profile_image(user_id)

    # -- tokens ----------------------------------------------------------------------------

    def issue_default_token(self, organization_id: str) -> str:
        """A new default token for the organization; the previous one stops working."""
        value = new_secret("pat_")
        self._store.replace_default_token(self._token(organization_id, value, "default", True))
        if self.on_default_token is not None:
            self.on_default_token(organization_id, value)
        return value

    def create_token(self, user: User, request: NewToken) -> tuple[AccessToken, str]:
        """A new named token and its value (shown this once).

        Raises:
            BadRequest: an expiry that is not in the future.
        """
        if request.expires_at is not None and request.expires_at <= utc_now():
            raise BadRequest("expiresAt must be in the future")
        value = new_secret("pat_")
        token = self._token(user.organization_id, value, request.name, False, request.expires_at)
        self._store.add_access_token(token)
        return token, value

    def tokens(self, user: User) -> tuple[AccessToken | None, list[AccessToken]]:
        """The user's default token and named tokens."""
        tokens = self._store.access_tokens(user.organization_id)
        default = next((t for t in tokens if t.is_default), None)
        return default, [t for t in tokens if not t.is_default]

    def delete_token(self, user: User, token_id: str) -> None:
        """Revoke one of the user's named tokens.

        Raises:
            NotFound: no such named token of this user (the default one is regenerated,
                not deleted).
        """
        _, named = self.tokens(user)
        if not any(token.id == token_id for token in named):
            raise NotFound(f"no personal access token {token_id!r}")
        self._store.delete_access_token(token_id)

    @staticmethod
    def _token(
        organization_id: str,
        value: str,
        name: str,
        is_default: bool,
        expires_at: dt.datetime | None = None,
    ) -> AccessToken:
        return AccessToken(
            id=str(uuid.uuid4()),
            token_hash=hash_secret(value),
            organization_id=organization_id,
            name=name,
            is_default=is_default,
            hint=value[-4:],
            created_at=utc_now(),
            expires_at=expires_at,
        )

    # -- the directory ---------------------------------------------------------------------

    def get(self, user_id: str) -> User:
        """A user by id.

        Raises:
            NotFound: no such user.
        """
        user = self._store.user(user_id)
        if user is None:
            raise NotFound(f"no user {user_id!r}")
        return user

    def search(self, text: str | None) -> list[User]:
        """Users whose username, e-mail or name contains ``text`` (case-insensitive).

        Raises:
            BadRequest: no search text.
        """
        if not text or not text.strip():
            raise BadRequest("q (the search text) is required")
        needle = text.strip().lower()
        return [
            user
            for user in self._store.users()
            if any(
                needle in (value or "").lower()
                for value in (user.username, user.email, user.firstname, user.lastname)
            )
            or needle in f"{user.firstname} {user.lastname}".lower()
        ]

    def count(self) -> int:
        """How many users there are."""
        return len(self._store.users())

    def find(self, user_ids: Iterable[str]) -> dict[str, User]:
        """The users among ``user_ids`` that exist, by id."""
        wanted = set(user_ids)
        return {user.id: user for user in self._store.users() if user.id in wanted}

    def registration_status(self, email: str | None) -> Registration:
        """APPROVED for a local user's address, NOT_FOUND otherwise.

        Raises:
            BadRequest: no address.
        """
        if not email or "@" not in email:
            raise BadRequest("email (an e-mail address) is required")
        known = any(user.email.lower() == email.lower() for user in self._store.users())
        if known:
            return Registration("APPROVED", "The user is registered.")
        return Registration("NOT_FOUND", f"No user is registered as {email}.")
