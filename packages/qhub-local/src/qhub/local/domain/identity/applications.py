"""Applications and their access keys: the credentials the gateway's token endpoint takes.

An access key is an id and a secret; only the secret's hash is stored. A valid key is
exchanged for a short-lived signed access token, which the gateway then accepts as a bearer
token.
"""

from __future__ import annotations

import uuid

from ..clock import utc_now
from ..errors import Unauthorized
from .records import Application
from .secrets import ACCESS_TOKEN_KIND, TokenSigner, hash_secret, new_secret, secrets_match
from .store import IdentityStore

__all__ = ["ANONYMOUS_APPLICATION", "Applications"]

#: The application every gateway caller acts as when the Hub runs ``anonymous``.
ANONYMOUS_APPLICATION = "anonymous"


class Applications:
    """Applications, their access keys and the gateway's access tokens.

    Args:
        store: the identity tables.
        signer: signs and verifies access tokens.
        token_ttl: lifetime of access tokens, seconds.
        anonymous: accept any bearer token (as :data:`ANONYMOUS_APPLICATION`).
    """

    def __init__(
        self, store: IdentityStore, signer: TokenSigner, *, token_ttl: float, anonymous: bool
    ) -> None:
        self._store = store
        self._signer = signer
        self.token_ttl = token_ttl
        self.anonymous = anonymous

    def create(self, name: str) -> tuple[Application, str]:
        """A new application and its plain secret (shown this once)."""
        app = Application(str(uuid.uuid4()), name, new_secret("AK", 12))
        secret = new_secret("SK")
        self._store.add_application(app, hash_secret(secret), utc_now())
        return app, secret

    def ensure_default(self, known_secret: str) -> tuple[Application, str]:
        """The Hub's first application and its secret: ``known_secret`` while it still
        matches the stored hash, otherwise a new one (the database can't give it back)."""
        app = self._store.first_application()
        if app is None:
            return self.create("default")
        stored = self._store.application_by_key(app.access_key_id)
        if stored is not None and secrets_match(known_secret, stored[1]):
            return app, known_secret
        secret = new_secret("SK")
        self._store.set_application_secret(app.id, hash_secret(secret))
        return app, secret

    def exists(self, application_id: str) -> bool:
        """Whether the application exists (the anonymous one always does)."""
        return (
            application_id == ANONYMOUS_APPLICATION
            or self._store.application(application_id) is not None
        )

    def issue_access_token(self, access_key_id: str, secret_access_key: str) -> str:
        """A gateway access token for a valid access key.

        Raises:
            Unauthorized: unknown key or wrong secret.
        """
        found = self._store.application_by_key(access_key_id)
        if found is None or not secrets_match(secret_access_key, found[1]):
            raise Unauthorized("unknown access key id or wrong secret access key")
        return self._signer.issue({"kind": ACCESS_TOKEN_KIND, "sub": found[0].id}, self.token_ttl)

    def application_for_bearer(self, token: str | None) -> str:
        """The application id a gateway bearer token belongs to.

        Raises:
            Unauthorized: no token, or an invalid or expired one (unless anonymous).
        """
        if self.anonymous:
            return ANONYMOUS_APPLICATION
        if not token:
            raise Unauthorized("a bearer token is required (Authorization: Bearer <token>)")
        claims = self._signer.verify(token, kind=ACCESS_TOKEN_KIND)
        return str(claims["sub"])
