"""Organizations and the API keys that act for them.

Each local user is the one member of its own organization; the Hub's default organization
is made at first start. An ``X-Auth-Token`` is either a user's personal access token or the
token a service execution runs with, which acts for the default organization.
"""

from __future__ import annotations

import uuid

from ..errors import Forbidden, Unauthorized
from ..store import Database
from .secrets import EXECUTION_TOKEN_KIND, TokenSigner, hash_secret
from .store import IdentityStore
from .users import Users

__all__ = ["EXECUTION_TOKEN_TTL", "Organizations"]

EXECUTION_TOKEN_TTL = 24 * 3600.0


class Organizations:
    """Which organization a request acts for."""

    def __init__(
        self, database: Database, store: IdentityStore, users: Users, signer: TokenSigner
    ) -> None:
        self._database = database
        self._store = store
        self._users = users
        self._signer = signer

    def ensure_default(self) -> str:
        """The id of the Hub's default organization, made on first need."""
        organization_id = self._database.meta("organization_id")
        if organization_id is None:
            organization_id = str(uuid.uuid4())
            self._database.set_meta("organization_id", organization_id)
        return organization_id

    def for_api_key(self, api_key: str | None, organization_id: str | None) -> str:
        """The organization an ``X-Auth-Token`` acts for.

        Args:
            api_key: a personal access token or a service execution's token.
            organization_id: the ``X-OrganizationId`` the caller named, if any.

        Raises:
            Unauthorized: no or an unknown token.
            Forbidden: ``organization_id`` names another organization.
        """
        if not api_key:
            raise Unauthorized("an X-Auth-Token header is required")
        organization = self._users.organization_of(api_key)
        if organization is None:
            try:
                claims = self._signer.verify(api_key, kind=EXECUTION_TOKEN_KIND)
            except Unauthorized:
                raise Unauthorized("the X-Auth-Token is not a valid token") from None
            organization = str(claims["org"])
        if organization_id is not None and organization_id != organization:
            raise Forbidden(f"the token has no access to organization {organization_id!r}")
        return organization

    def service_execution_of(self, api_key: str | None) -> str | None:
        """The service execution an ``X-Auth-Token`` belongs to, if it is an execution token."""
        if not api_key or self._store.access_token(hash_secret(api_key)) is not None:
            return None
        try:
            return str(self._signer.verify(api_key, kind=EXECUTION_TOKEN_KIND)["execution"])
        except Unauthorized:
            return None

    def issue_execution_token(self, application_id: str, execution_id: str) -> str:
        """The token a service execution acts with: for the default organization, as its
        application, naming the execution."""
        claims = {
            "kind": EXECUTION_TOKEN_KIND,
            "sub": application_id,
            "execution": execution_id,
            "org": self._database.meta("organization_id"),
        }
        return self._signer.issue(claims, EXECUTION_TOKEN_TTL)
