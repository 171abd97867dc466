"""Idempotency keys: a request that creates work, sent again with the same key, creates
nothing new (our extension of the Hub's API; draft-ietf-httpapi-idempotency-key-header).

The rule, for the operations that take a key (a job, a session, a service execution):

* a key belongs to its caller (an organization for the Quantum API, an application at the
  gateway) and lives 24 hours from the request that first used it;
* the same key with the same request (same operation, same body) returns the resource that
  request created, as it is now, and starts nothing;
* the same key with another request is refused (:class:`KeyReused`, 422), as is a malformed
  key (400);
* a request carrying a key that another request is still carrying out waits for it, then
  gets its resource (or, if it failed, is carried out itself): never two resources;
* a request that fails creates no key: sending it again tries again.

Each context keeps its keys in a table of its own (:class:`KeyTable`), written in the same
transaction as the resource the key created, so a key never names a resource that was not
stored, and a resource made under a key is never stored without it. The primary key on
(caller, key) backs the in-process wait up: a second insert fails and rolls its resource back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .clock import format_utc, utc_now
from .errors import BadRequest, Conflict, Unprocessable

__all__ = [
    "IDEMPOTENCY_TTL",
    "Created",
    "IdempotencyKey",
    "IdempotentCreation",
    "KeyReused",
    "KeyTable",
    "KeyedRequest",
]

T = TypeVar("T")

#: How long a key is remembered after the request that first used it.
IDEMPOTENCY_TTL = dt.timedelta(hours=24)
#: How long a request waits for another one carrying the same key before giving up (409).
IN_FLIGHT_WAIT_SECONDS = 120.0
#: A key: 1 to 255 visible ASCII characters (an HTTP header token, no spaces).
_KEY = re.compile(r"[\x21-\x7e]{1,255}")


class KeyReused(Unprocessable):
    """The caller used an idempotency key before for a different request."""


@dataclass(frozen=True)
class KeyedRequest:
    """A key as a request sent it, with the JSON body it came with.

    Raises:
        BadRequest: the key is not 1 to 255 visible ASCII characters.
    """

    key: str
    body: Any

    def __post_init__(self) -> None:
        if not _KEY.fullmatch(self.key):
            raise BadRequest(
                "Idempotency-Key must be 1 to 255 visible ASCII characters (no spaces)"
            )


@dataclass(frozen=True)
class IdempotencyKey:
    """A caller's key and a digest of the request it came with."""

    caller: str
    key: str
    fingerprint: str

    @classmethod
    def of(
        cls, caller: str, request: KeyedRequest, operation: str, *context: Any
    ) -> IdempotencyKey:
        """The key of ``caller`` for ``operation`` with this body (and ``context``: what else
        makes two requests different, such as the service or the execution token)."""
        canonical = json.dumps(
            [operation, list(context), request.body],
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        return cls(caller, request.key, digest)


@dataclass(frozen=True)
class Created(Generic[T]):
    """What a creating request got: the resource, and whether an earlier request with the
    same key had created it (``replayed``)."""

    resource: T
    replayed: bool = False


class KeyTable:
    """One context's table of keys: its DDL and the statements on it, run inside the
    context's own transactions.

    Args:
        name: the table's name (a constant of the context's store).
    """

    def __init__(self, name: str) -> None:
        if not name.isidentifier():
            raise ValueError(f"not a table name: {name!r}")
        self.name = name

    @property
    def ddl(self) -> str:
        """The table and its index (idempotent)."""
        return (
            f"CREATE TABLE IF NOT EXISTS {self.name} ("
            " caller TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,"
            " resource_id TEXT NOT NULL, created_at TEXT NOT NULL,"
            " PRIMARY KEY (caller, key));"
            f"CREATE INDEX IF NOT EXISTS {self.name}_by_age ON {self.name} (created_at);"
        )

    def find(self, db: sqlite3.Connection, key: IdempotencyKey, now: dt.datetime) -> str | None:
        """The id of the resource this key created within the TTL, if any.

        Raises:
            KeyReused: the key came with another request.
        """
        row = db.execute(
            f"SELECT fingerprint, resource_id FROM {self.name}"  # noqa: S608 - constant name
            " WHERE caller = ? AND key = ? AND created_at >= ?",
            (key.caller, key.key, format_utc(now - IDEMPOTENCY_TTL)),
        ).fetchone()
        if row is None:
            return None
        if row[0] != key.fingerprint:
            raise KeyReused(
                f"Idempotency-Key {key.key!r} was used in the last 24 hours for a different "
                "request; send a new key for a new request"
            )
        return str(row[1])

    def record(self, db: sqlite3.Connection, key: IdempotencyKey, resource_id: str) -> None:
        """Remember that ``key`` created ``resource_id`` now (call it in the transaction that
        stores the resource); keys past their TTL are forgotten on the way.

        Raises:
            sqlite3.IntegrityError: the key is already taken (the transaction rolls back).
        """
        now = utc_now()
        db.execute(
            f"DELETE FROM {self.name} WHERE created_at < ?",  # noqa: S608 - constant name
            (format_utc(now - IDEMPOTENCY_TTL),),
        )
        db.execute(
            f"INSERT INTO {self.name} VALUES (?, ?, ?, ?, ?)",  # noqa: S608 - constant name
            (key.caller, key.key, key.fingerprint, resource_id, format_utc(now)),
        )

    def forget(self, db: sqlite3.Connection, resource_id: str) -> None:
        """Drop the key that created ``resource_id`` (a creation undone: the key is free)."""
        db.execute(
            f"DELETE FROM {self.name} WHERE resource_id = ?",  # noqa: S608 - constant name
            (resource_id,),
        )


class _InFlight:
    """The keys requests are carrying out right now; a second request with one waits."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[tuple[str, str], tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, key: IdempotencyKey) -> Iterator[None]:
        """Hold ``key`` for the block; wait while another request holds it.

        Raises:
            Conflict: the other request took longer than ``IN_FLIGHT_WAIT_SECONDS``.
        """
        name = (key.caller, key.key)
        with self._lock:
            lock, users = self._held.get(name, (threading.Lock(), 0))
            self._held[name] = (lock, users + 1)
        try:
            if not lock.acquire(timeout=IN_FLIGHT_WAIT_SECONDS):
                raise Conflict(
                    f"a request with Idempotency-Key {key.key!r} is still being carried out; "
                    "send it again later"
                )
            try:
                yield
            finally:
                lock.release()
        finally:
            with self._lock:
                lock, users = self._held[name]
                if users == 1:
                    del self._held[name]
                else:
                    self._held[name] = (lock, users - 1)


class IdempotentCreation:
    """Carries out one context's creating requests under their keys.

    Args:
        table: the context's key table.
        read: opens a read of the context's database (``Database.reading``).
    """

    def __init__(self, table: KeyTable, read: Callable[[], Any]) -> None:
        self._table = table
        self._read = read
        self._in_flight = _InFlight()

    def create(
        self,
        key: IdempotencyKey | None,
        create: Callable[[], T],
        existing: Callable[[str], T],
    ) -> Created[T]:
        """``create()`` unless ``key`` created a resource already: then ``existing(its id)``.

        ``create`` must store the key with :meth:`KeyTable.record` in the transaction that
        stores the resource. Blocks while another request carries the same key out.

        Raises:
            KeyReused: the key came with another request.
            Conflict: the other request carrying the key took too long.
        """
        if key is None:
            return Created(create())
        with self._in_flight.hold(key):
            resource_id = self._find(key)
            if resource_id is not None:
                return Created(existing(resource_id), replayed=True)
            try:
                return Created(create())
            except sqlite3.IntegrityError:
                # Another process on the same data dir stored the key first: its resource.
                resource_id = self._find(key)
                if resource_id is None:
                    raise
                return Created(existing(resource_id), replayed=True)

    def _find(self, key: IdempotencyKey) -> str | None:
        with self._read() as db:
            return self._table.find(db, key, utc_now())
