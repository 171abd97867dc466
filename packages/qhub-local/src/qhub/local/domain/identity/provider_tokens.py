"""Provider tokens: the credentials an organization or a user keeps for a quantum provider
(D-Wave, IBM Quantum, IBM Cloud).

- **Types and fields** (``ProviderToken`` of ``spec/platform.json``): ``DWAVE`` and ``IBM``
  take ``value``; ``IBM_CLOUD`` takes ``serviceCrn`` and ``apiKey``. The type is the path's;
  it must be one of these (422 naming them). A body holds exactly its type's fields, each
  non-empty text of at most :data:`MAX_FIELD_LENGTH` characters, and may repeat the path's
  ``type``; a missing, empty, overlong, non-text or unknown field is 422 naming the field
  (never its value).
- **Sealed at rest**: the fields are kept as one JSON document encrypted and authenticated
  by the Hub's ``SecretBox`` (its key is ``signing.key``, beside the database), so the SQLite
  file holds no token in clear. No value appears in an error message, a log line or a repr.
- **Read back masked**: a secret field (``value``, ``apiKey``) shows ``****`` then its last
  four characters when it has at least :data:`REVEALED_FROM` characters, else ``****`` only.
  ``serviceCrn`` names an IBM Cloud instance, not a credential, and is shown whole. Nothing
  gives a token back in clear over the API (the local Hub has nothing that uses them yet).
- **Availability**: every known type, true when a token of it is stored.
- **Who**: an organization's tokens are read (masked), set and deleted by its maintainers
  and owners; its viewers, and its service executions' tokens, see the availability only;
  other organizations see none of it (404). ``/my/provider-tokens`` are the signed-in user's
  own, whichever organization the request acts for (a service execution's token has none:
  403).
- Removed with their organization or user.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..clock import utc_now
from ..errors import Conflict, Forbidden, NotFound, Unprocessable
from .access import require_role
from .organizations import Organizations
from .provider_token_store import OwnerKind, ProviderTokenStore
from .records import Caller, Role
from .secrets import SecretBox

__all__ = [
    "MAX_FIELD_LENGTH",
    "PROVIDER_TOKEN_FIELDS",
    "REVEALED_FROM",
    "SECRET_FIELDS",
    "ProviderTokenView",
    "ProviderTokens",
    "TokenOwner",
    "mask",
]

#: Each provider token type's fields, in the order the spec lists them.
PROVIDER_TOKEN_FIELDS: Mapping[str, tuple[str, ...]] = {
    "DWAVE": ("value",),
    "IBM": ("value",),
    "IBM_CLOUD": ("serviceCrn", "apiKey"),
}
#: The fields that are credentials: shown masked.
SECRET_FIELDS = frozenset({"value", "apiKey"})
#: The longest field value taken.
MAX_FIELD_LENGTH = 4096
#: How long a secret must be before its last four characters are shown.
REVEALED_FROM = 12
MASK = "****"


def mask(secret: str) -> str:
    """``****`` and the last four characters of a secret of :data:`REVEALED_FROM` or more
    characters; ``****`` alone for a shorter one."""
    return MASK + (secret[-4:] if len(secret) >= REVEALED_FROM else "")


@dataclass(frozen=True)
class TokenOwner:
    """Whose tokens a request is about.

    Attributes:
        kind: an organization's or a user's.
        id: the organization's or user's id.
        role: the caller's role in the organization (None for a service execution's
            token); a user's own tokens are theirs (``OWNER``).
    """

    kind: OwnerKind
    id: str
    role: Role | None

    @property
    def label(self) -> str:
        """The owner, for messages (``organization 'x'`` / ``the signed-in user``)."""
        return f"organization {self.id!r}" if self.kind == "organization" else "the signed-in user"


@dataclass(frozen=True)
class ProviderTokenView:
    """A stored token as it is shown: its type and its fields, secrets masked."""

    type: str
    fields: Mapping[str, str]


class ProviderTokens:
    """Organizations' and users' provider tokens, sealed in the Hub's store."""

    def __init__(
        self, store: ProviderTokenStore, organizations: Organizations, box: SecretBox
    ) -> None:
        self._store = store
        self._organizations = organizations
        self._box = box

    # -- whose -----------------------------------------------------------------------------

    def of_organization(self, caller: Caller, organization_id: str) -> TokenOwner:
        """An organization's tokens, as the caller may see them.

        Raises:
            NotFound: unknown organization, or the caller is no member.
        """
        role = self._organizations.role_in(caller, organization_id)
        return TokenOwner("organization", organization_id, role)

    def of_user(self, caller: Caller) -> TokenOwner:
        """The signed-in user's own tokens.

        Raises:
            Forbidden: the caller is a service execution, not a user.
        """
        if caller.user_id is None:
            raise Forbidden("provider tokens under /my are a user's; a service execution has none")
        return TokenOwner("user", caller.user_id, "OWNER")

    # -- the tokens ------------------------------------------------------------------------

    def availability(self, owner: TokenOwner) -> dict[str, bool]:
        """Every known type, and whether a token of it is stored."""
        stored = self._store.types(owner.kind, owner.id)
        return {token_type: token_type in stored for token_type in PROVIDER_TOKEN_FIELDS}

    def get(self, caller: Caller, owner: TokenOwner, token_type: str) -> ProviderTokenView:
        """A stored token, its secrets masked.

        Raises:
            Forbidden: an organization's viewer (or its execution's token) asks.
            Unprocessable: an unknown type.
            NotFound: no token of this type is stored.
            Conflict: the stored token can't be opened (the Hub's signing key changed).
        """
        _require_maintainer(caller, owner, "read")
        fields = _fields_of(token_type)
        sealed = self._store.sealed(owner.kind, owner.id, token_type)
        if sealed is None:
            raise NotFound(f"no {token_type} provider token is stored for {owner.label}")
        try:
            stored = json.loads(self._box.open(sealed))
        except ValueError:
            raise Conflict(
                f"the {token_type} provider token of {owner.label} can't be read (the Hub's "
                "signing key changed since it was stored); set it again"
            ) from None
        shown = {
            name: mask(stored[name]) if name in SECRET_FIELDS else stored[name] for name in fields
        }
        return ProviderTokenView(token_type, shown)

    def put(
        self, caller: Caller, owner: TokenOwner, token_type: str, body: Mapping[str, Any]
    ) -> None:
        """Store (or replace) a token of one type, sealed.

        Raises:
            Forbidden: an organization's viewer (or execution) asks.
            Unprocessable: an unknown type, or a body that is not that type's fields.
        """
        _require_maintainer(caller, owner, "set")
        fields = _fields_of(token_type)
        values = _validated(token_type, fields, body)
        sealed = self._box.seal(json.dumps(values, separators=(",", ":")))
        self._store.put(owner.kind, owner.id, token_type, sealed, utc_now())

    def delete(self, caller: Caller, owner: TokenOwner, token_type: str) -> None:
        """Remove a token of one type.

        Raises:
            Forbidden: an organization's viewer (or execution) asks.
            Unprocessable: an unknown type.
            NotFound: none of this type is stored.
        """
        _require_maintainer(caller, owner, "delete")
        _fields_of(token_type)
        if not self._store.delete(owner.kind, owner.id, token_type):
            raise NotFound(f"no {token_type} provider token is stored for {owner.label}")


def _require_maintainer(caller: Caller, owner: TokenOwner, verb: str) -> None:
    """Refuse an organization's viewer (they see which types are stored, nothing more)."""
    acting = Caller(owner.id, caller.user_id, owner.role)
    require_role(acting, "MAINTAINER", f"{verb} its provider tokens (viewers see which are set)")


def _fields_of(token_type: str) -> tuple[str, ...]:
    fields = PROVIDER_TOKEN_FIELDS.get(token_type)
    if fields is None:
        known = ", ".join(PROVIDER_TOKEN_FIELDS)
        raise Unprocessable(f"type: {token_type[:40]!r} is not a provider token type ({known})")
    return fields


def _validated(token_type: str, fields: tuple[str, ...], body: Mapping[str, Any]) -> dict[str, str]:
    """The body's fields, checked; messages name fields, never values."""
    takes = f"{token_type} tokens take {', '.join(fields)}"
    declared = body.get("type", token_type)
    if declared != token_type:
        shown = repr(declared[:40]) if isinstance(declared, str) else "not text"
        raise Unprocessable(f"type: the body says {shown}, the path {token_type!r}")
    unknown = [name for name in body if name not in fields and name != "type"]
    if unknown:
        raise Unprocessable(f"{unknown[0][:40]}: not a field of this token; {takes}")
    values: dict[str, str] = {}
    for name in fields:
        if name not in body:
            raise Unprocessable(f"{name}: required; {takes}")
        value = body[name]
        if not isinstance(value, str):
            raise Unprocessable(f"{name}: must be text, not {_json_type(value)}")
        if not value.strip():
            raise Unprocessable(f"{name}: must not be empty")
        if len(value) > MAX_FIELD_LENGTH:
            raise Unprocessable(f"{name}: at most {MAX_FIELD_LENGTH} characters")
        values[name] = value
    return values


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "an array" if isinstance(value, list) else "an object"
