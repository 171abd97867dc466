"""The shapes of the spec's paths: which are collections, items, aliases and singletons,
and which collections hand-written routes serve (see ``planner.py``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .plan import KeyTemplate
from .schemas import Schemas
from .spec import Operation, Schema

__all__ = ["HUB_WRITTEN", "PathShapes", "Skeleton", "camel"]

#: A path's segments, each parameter as ``{}``.
Skeleton = tuple[str, ...]

#: Collections the Hub itself writes to (so their items can be addressed, and must exist).
HUB_WRITTEN: frozenset[Skeleton] = frozenset({("my", "notifications")})


def camel(segment: str) -> str:
    """A path segment or parameter name as a wire property (``display-name`` → ``displayName``)."""
    head, *rest = re.split(r"[-_]", segment)
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class PathShapes:
    """The shapes of every path in the spec, and which of them hand-written routes serve."""

    def __init__(
        self, operations: Sequence[Operation], schemas: Schemas, served: set[Skeleton]
    ) -> None:
        self.schemas = schemas
        self.at: dict[Skeleton, list[Operation]] = {}
        for operation in operations:
            self.at.setdefault(operation.skeleton, []).append(operation)
        self._listed = {s for s in self.at if self._answers_many(s)}
        self._aliases = {
            s
            for s in self.at
            if len(s) > 1
            and s[-1] != "{}"
            and s[:-1] in self._listed
            and s not in self._listed
            and self.get(s, "POST") is not None
        }
        self._canonical: dict[Skeleton, Skeleton] = {}
        self.served = {self.canonical(s) for s in served}

    def get(self, skeleton: Skeleton, method: str = "GET") -> Operation | None:
        """The operation of that method on the path, if the spec has one."""
        return next((o for o in self.at.get(skeleton, ()) if o.method == method), None)

    def _answers_many(self, skeleton: Skeleton) -> bool:
        found = self.get(skeleton)
        if found is None or found.response_schema is None:
            return False
        schema = self.schemas.non_null(found.response_schema)
        return schema.get("type") == "array" or self.schemas.page_item(schema) is not None

    def lists(self, skeleton: Skeleton) -> bool:
        """Whether the path's GET answers an array or a page."""
        return skeleton in self._listed

    def is_alias(self, skeleton: Skeleton) -> bool:
        """A POST-only way to create in the listed collection above it."""
        return skeleton in self._aliases

    def is_collection(self, skeleton: Skeleton) -> bool:
        """Listed, or has items, and is no alias."""
        if not skeleton or skeleton[-1] == "{}" or self.is_alias(skeleton):
            return False
        below = (*skeleton, "{}")
        return self.lists(skeleton) or any(s[: len(below)] == below for s in self.at)

    def canonical(self, skeleton: Skeleton) -> Skeleton:
        """The path without its alias segments (``/git-integrations/gitlab/{}`` →
        ``/git-integrations/{}``)."""
        found = self._canonical.get(skeleton)
        if found is None:
            found = tuple(s for i, s in enumerate(skeleton) if not self.is_alias(skeleton[: i + 1]))
            self._canonical[skeleton] = found
        return found

    def template(self, operation: Operation, length: int) -> KeyTemplate:
        """The storage key of the first ``length`` segments of an operation's path."""
        parts: list[str | int] = []
        index = 0
        for i, segment in enumerate(operation.skeleton[:length]):
            if segment == "{}":
                parts.append(index)
                index += 1
            elif not self.is_alias(operation.skeleton[: i + 1]):
                parts.append(segment)
        return KeyTemplate(tuple(parts))

    def hand_written(self, collection: Skeleton) -> bool:
        """Whether hand-written routes serve the collection or its items."""
        canonical = self.canonical(collection)
        return canonical in self.served or (*canonical, "{}") in self.served

    def created_by_post(self, collection: Skeleton) -> bool:
        """Whether a POST creates items in the collection (ids the Hub assigns)."""
        canonical = self.canonical(collection)
        return any(
            o.method == "POST" and self.canonical(o.skeleton) == canonical
            for ops in self.at.values()
            for o in ops
        )

    def creatable(self, collection: Skeleton) -> bool:
        """Whether the generic resources store items in the collection: a POST creates them,
        or a POST or PUT on an item path puts them."""
        if self.canonical(collection) in HUB_WRITTEN:
            return True
        if not self.is_collection(collection) or self.hand_written(collection):
            return False
        item = (*self.canonical(collection), "{}")
        return self.created_by_post(collection) or any(
            o.method in ("POST", "PUT")
            for skeleton, ops in self.at.items()
            if self.canonical(skeleton) == item
            for o in ops
        )

    def item_schema(self, collection: Skeleton) -> Schema | None:
        """The schema of the collection's items: its item GET's answer, or its listing's."""
        for skeleton in self.at:
            if self.canonical(skeleton) == (*self.canonical(collection), "{}"):
                found = self.get(skeleton)
                if found is not None and found.response_schema is not None:
                    return found.response_schema
        listing = self.get(collection)
        if listing is None or listing.response_schema is None:
            return None
        schema = self.schemas.non_null(listing.response_schema)
        return self.schemas.page_item(schema) or schema.get("items")
