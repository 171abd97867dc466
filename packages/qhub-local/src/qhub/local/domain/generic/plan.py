"""What an operation does to the generic resources: its :class:`Kind`, and the stored
resources it addresses (:class:`Target`, keyed by :class:`KeyTemplate`). ``planner.py``
works this out from the spec's paths."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import DomainError, NotFound
from .records import NotEmulated
from .spec import Operation, Schema

__all__ = ["WRITES", "KeyTemplate", "Kind", "Plan", "Target"]


class Kind(enum.Enum):
    """What an operation does to the generic resources."""

    CREATE = "create"
    LIST = "list"
    GET = "get"
    UPDATE = "update"
    UPSERT = "upsert"
    DELETE = "delete"
    EXISTS = "exists"
    LINK = "link"
    READ = "read"
    WRITE = "write"
    ERASE = "erase"
    SET = "set"
    FLAG = "flag"
    FLAG_ALL = "flag-all"
    REFRESH = "refresh"
    ACCEPT = "accept"
    ECHO = "echo"
    VIEW = "view"
    COUNT = "count"
    UNSUPPORTED = "unsupported"


#: Kinds that change stored resources (the caller needs a role that may write).
WRITES = frozenset(
    {
        Kind.CREATE,
        Kind.UPDATE,
        Kind.UPSERT,
        Kind.DELETE,
        Kind.LINK,
        Kind.WRITE,
        Kind.ERASE,
        Kind.SET,
        Kind.FLAG,
        Kind.FLAG_ALL,
        Kind.REFRESH,
        Kind.ACCEPT,
    }
)


@dataclass(frozen=True)
class KeyTemplate:
    """A storage key built from a request's path values: literal parts, and indexes into the
    operation's path parameters (``("algorithms", 0, "sketches")``)."""

    parts: tuple[str | int, ...]

    def key(self, values: Sequence[str]) -> str:
        """The key for a request's path parameter values."""
        return "/".join(p if isinstance(p, str) else values[p] for p in self.parts)


@dataclass(frozen=True)
class Target:
    """A stored resource an operation addresses: an item of ``collection`` (the path value
    at ``item``), or the singleton stored at ``collection`` (``item`` None)."""

    collection: KeyTemplate
    item: int | None = None


@dataclass(frozen=True)
class Plan:
    """How the generic resources carry out one operation.

    Attributes:
        operation: the spec's operation.
        kind: what it does.
        target: the collection, item or singleton it reads or writes (for SET, FLAG,
            REFRESH and ACCEPT: the parent resource).
        parents: resources above the target that must exist (404 otherwise).
        item_schema: the schema of the target's items or of the parent (LIST, FLAG).
        field: the property SET, FLAG or COUNT is about (SET without one merges the body
            into the parent).
        whole: SET stores the whole body as ``field`` (else the body's one value).
        natural_keys: body properties that name a created resource's id.
        link_target: the collection a LINK's id refers to.
        organization_param: the path parameter naming the organization (paths under
            ``/organizations/{id}``).
        answer: fixed properties of an ECHO's answer.
        reason: why an UNSUPPORTED operation is not emulated.
    """

    operation: Operation
    kind: Kind
    target: Target | None = None
    parents: tuple[Target, ...] = ()
    item_schema: Schema | None = None
    field: str | None = None
    natural_keys: tuple[str, ...] = ()
    link_target: KeyTemplate | None = None
    whole: bool = False
    organization_param: int | None = None
    answer: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    reason: str = ""

    @property
    def writes(self) -> bool:
        """Whether it changes stored resources."""
        return self.kind in WRITES

    def refusal(self) -> DomainError:
        """What an UNSUPPORTED operation answers: 501 naming it, or 404 for a read (there is
        nothing here to read)."""
        message = f"{self.operation.id} is not emulated by the local Hub: {self.reason}"
        if self.operation.method in ("GET", "HEAD"):
            return NotFound(message)
        return NotEmulated(message)

    @property
    def personal(self) -> bool:
        """Whether it is one of the caller's own (``/my/...``) operations."""
        return self.operation.segments[:1] == ("my",)
