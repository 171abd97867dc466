"""Listing rules shared by the Quantum API's pages: zero-based pages, Spring-style sorting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import BadRequest

__all__ = ["PageRequest", "page_of", "sort_rows"]

MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class PageRequest:
    """Which page of a listing to show: zero-based ``page``, its ``size``, and ``sort``
    (``property,asc|desc``, the first one leading)."""

    page: int = 0
    size: int = 20
    sort: tuple[str, ...] = ()


def sort_rows(
    rows: list[dict[str, Any]], sort: list[str], properties: Mapping[str, str]
) -> list[dict[str, Any]]:
    """``rows`` ordered by ``sort`` (``property,asc|desc``, repeatable; the first one leads).

    ``properties`` maps the sortable wire names (camelCase) to row keys; the row keys
    themselves are accepted too. Rows without a value sort after those with one, in either
    direction. Without ``sort`` the rows keep their order.

    Raises:
        BadRequest: an unknown property or direction, named.
    """
    keys = {**{key: key for key in properties.values()}, **properties}
    ordered = list(rows)
    for spec in reversed(sort):
        name, _, direction = spec.partition(",")
        name, direction = name.strip(), (direction.strip().lower() or "asc")
        if name not in keys:
            known = ", ".join(sorted(properties))
            raise BadRequest(f"can't sort by {name!r}; sortable: {known}")
        if direction not in ("asc", "desc"):
            raise BadRequest(f"sort direction must be asc or desc, not {direction!r}")
        key = keys[name]
        present = [row for row in ordered if row.get(key) is not None]
        absent = [row for row in ordered if row.get(key) is None]
        present.sort(key=lambda row: row[key], reverse=direction == "desc")
        ordered = present + absent
    return ordered


def page_of(rows: list[dict[str, Any]], page: int, size: int) -> dict[str, Any]:
    """One zero-based page of ``rows`` in the Quantum API's page shape.

    Raises:
        BadRequest: a negative page, or a size outside 1..1000.
    """
    if page < 0 or not 1 <= size <= MAX_PAGE_SIZE:
        raise BadRequest(f"page must be >= 0 and size between 1 and {MAX_PAGE_SIZE}")
    return {
        "content": rows[page * size : (page + 1) * size],
        "page": page,
        "size": size,
        "total_elements": len(rows),
        "total_pages": -(-len(rows) // size),
    }
