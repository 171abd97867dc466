"""Who recently seen personal access tokens act as, kept between requests.

A waiting client reads its job or execution again and again with the same token: each read
would look up the token, its user and the user's membership, three reads of the store on
every request. :class:`CallerCache` keeps what they found while nothing in the identity
tables has been written since (:attr:`.store.IdentityStore.generation`, which every write
moves on) and the token has not expired. A revoked token, a deleted user or a changed
membership is therefore seen by the very next request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..clock import utc_now
from .records import Caller
from .secrets import hash_secret
from .store import IdentityStore

__all__ = ["KEPT_CALLERS", "CallerCache"]

#: How many (token, organization) callers are kept at most (then they are all forgotten).
KEPT_CALLERS = 256

T = TypeVar("T")


class CallerCache:
    """The callers of recently seen personal access tokens, each kept while no identity
    write has happened since it was read (:attr:`IdentityStore.generation`) and its token
    has not expired: three reads less for each request a waiting client makes. Tokens are
    kept by their hash, and at most :data:`KEPT_CALLERS` callers."""

    def __init__(self, store: IdentityStore) -> None:
        self._store = store
        #: What was read at one generation, valid until the token expires.
        self._callers: dict[tuple[str, str | None], _Kept[Caller]] = {}
        self._tokens: dict[str, _Kept[None]] = {}

    def get(self, api_key: str, organization_id: str | None) -> Caller | None:
        """The caller a token was last found to be, if nothing has changed since."""
        kept = self._callers.get((hash_secret(api_key), organization_id))
        return kept.value if kept is not None and self._current(kept) else None

    def knows(self, api_key: str) -> bool:
        """Whether the token is a personal access token found valid since the last write."""
        kept = self._tokens.get(hash_secret(api_key))
        return kept is not None and self._current(kept)

    def put(
        self,
        api_key: str,
        organization_id: str | None,
        caller: Caller,
        expires_at: dt.datetime | None,
        generation: int,
    ) -> None:
        """Keep a caller read when the store's generation was ``generation``."""
        if len(self._callers) >= KEPT_CALLERS:
            self._callers.clear()
            self._tokens.clear()
        hashed = hash_secret(api_key)
        self._tokens[hashed] = _Kept(None, expires_at, generation)
        self._callers[(hashed, organization_id)] = _Kept(caller, expires_at, generation)

    def _current(self, kept: _Kept[Any]) -> bool:
        return kept.generation == self._store.generation and (
            kept.expires_at is None or utc_now() < kept.expires_at
        )


@dataclass(frozen=True)
class _Kept(Generic[T]):
    value: T
    expires_at: dt.datetime | None
    generation: int
