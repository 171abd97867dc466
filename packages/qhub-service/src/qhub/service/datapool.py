"""Data pool references and grants: how a service execution gets short-lived access to a pool.

A :class:`DataPoolGrant` asks ``run`` to acquire a grant token from the Platform API and put a
:class:`DataPoolReference` (``{"id", "ref": "DATAPOOL", "grant"}``) under ``grant.name`` in the
request. Tokens are cached per (pool, application, permission) until 30 s before they expire.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

__all__ = [
    "DataPoolGrant",
    "DataPoolPermission",
    "DataPoolReference",
    "GrantCache",
    "ReferenceType",
]

#: Seconds before a grant's ``exp`` at which a cached grant is no longer reused.
GRANT_EXPIRY_MARGIN = 30.0


class ReferenceType(str, enum.Enum):
    """Kinds of references a request can carry."""

    DATAPOOL = "DATAPOOL"

    def __str__(self) -> str:
        return self.value


class DataPoolPermission(str, enum.Enum):
    """What a grant allows on a data pool."""

    VIEW = "VIEW"
    MODIFY = "MODIFY"

    def __str__(self) -> str:
        return self.value


class DataPoolReference(BaseModel):
    """A data pool as it appears inside a request: ``{"id", "ref": "DATAPOOL", "grant"?}``."""

    model_config = ConfigDict(frozen=True, extra="allow")

    id: str = Field(min_length=1)
    ref: ReferenceType = ReferenceType.DATAPOOL
    grant: str | None = None

    def dict(self, **_: Any) -> dict[str, Any]:
        """The JSON object to put in a request; ``grant`` only when set."""
        return self.model_dump(mode="json", exclude_none=True)

    def __repr__(self) -> str:
        grant = ", grant=<hidden>" if self.grant else ""
        return f"DataPoolReference(id={self.id!r}, ref={self.ref.value!r}{grant})"

    __str__ = __repr__


class DataPoolGrant(BaseModel):
    """Ask ``run`` to acquire access to a data pool and inject it under ``name``.

    Attributes:
        name: the request key the :class:`DataPoolReference` is placed under.
        datapool_id: the data pool (``datapoolId`` is accepted too).
        application_id: the application the grant is for (``applicationId`` accepted too).
        permission: ``VIEW`` or ``MODIFY`` (default).
    """

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    name: str = Field(min_length=1)
    datapool_id: str = Field(
        min_length=1, validation_alias=AliasChoices("datapool_id", "datapoolId")
    )
    application_id: str = Field(
        min_length=1, validation_alias=AliasChoices("application_id", "applicationId")
    )
    permission: DataPoolPermission = DataPoolPermission.MODIFY


def grant_expiry(token: str) -> float | None:
    """The ``exp`` claim of a grant JWT (not verified: the Platform signed it), or ``None``.

    Raises:
        ValueError: ``token`` is not a JWT.
    """
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        raise ValueError("the Platform API returned a grant token that is not a JWT")
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, binascii.Error) as exc:
        raise ValueError(
            "the Platform API returned a grant token with an unreadable payload"
        ) from exc
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, (int, float)) else None


class GrantCache:
    """Thread-safe, bounded cache of grant tokens keyed by (pool, application, permission)."""

    def __init__(self, max_entries: int = 256, clock: Callable[[], float] = time.time) -> None:
        self._entries: OrderedDict[tuple[str, str, str], tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_entries = max_entries
        self._clock = clock

    @staticmethod
    def key(grant: DataPoolGrant) -> tuple[str, str, str]:
        """The cache key of a grant (the permission by its value, so "VIEW" == VIEW)."""
        return (grant.datapool_id, grant.application_id, DataPoolPermission(grant.permission).value)

    def get(self, grant: DataPoolGrant) -> str | None:
        """A cached token still valid for more than the margin, or ``None``."""
        key = self.key(grant)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            token, expires = entry
            if self._clock() >= expires - GRANT_EXPIRY_MARGIN:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return token

    def put(self, grant: DataPoolGrant, token: str) -> None:
        """Remember a token until its ``exp`` minus the margin (tokens without ``exp`` are not kept).

        Raises:
            ValueError: ``token`` is not a JWT.
        """
        expires = grant_expiry(token)
        if expires is None:
            return
        with self._lock:
            self._entries[self.key(grant)] = (token, expires)
            self._entries.move_to_end(self.key(grant))
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def invalidate(self, grant: DataPoolGrant) -> None:
        """Forget the token of a grant (for example after the service rejected it)."""
        with self._lock:
            self._entries.pop(self.key(grant), None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
