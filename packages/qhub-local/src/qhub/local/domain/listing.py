"""Listing rules shared by the Quantum API's pages: zero-based pages, Spring-style sorting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import BadRequest

__all__ = [
    "MAX_PAGE_SIZE",
    "Page",
    "PageRequest",
    "check_page",
    "page_of",
    "sort_order",
    "sort_records",
    "sorted_page",
    "sql_offset",
]

MAX_PAGE_SIZE = 1000

Record = TypeVar("Record")


@dataclass(frozen=True)
class PageRequest:
    """Which page of a listing to show: zero-based ``page``, its ``size``, and ``sort``
    (``property,asc|desc``, the first one leading)."""

    page: int = 0
    size: int = 20
    sort: tuple[str, ...] = ()


def sql_offset(offset: int) -> int:
    """``offset`` as SQLite can take it: a page number can be any size in the query string,
    SQLite's integers stop at 2**63 - 1 (a page that far is past every row anyway)."""
    return min(offset, 2**63 - 1)


@dataclass(frozen=True)
class Page(Generic[Record]):
    """One zero-based page of a listing."""

    content: list[Record]
    page: int
    size: int
    total_elements: int
    total_pages: int


def sort_order(sort: Sequence[str], properties: Mapping[str, str]) -> list[tuple[str, bool]]:
    """``sort`` (``property,asc|desc``, repeatable; the first one leads) as (attribute,
    descending) pairs.

    ``properties`` maps the sortable wire names (camelCase) to record attributes; the
    attribute names themselves are accepted too.

    Raises:
        BadRequest: an unknown property or direction, named.
    """
    keys = {**{attribute: attribute for attribute in properties.values()}, **properties}
    order = []
    for spec in sort:
        name, _, direction = spec.partition(",")
        name, direction = name.strip(), (direction.strip().lower() or "asc")
        if name not in keys:
            known = ", ".join(sorted(properties))
            raise BadRequest(f"can't sort by {name!r}; sortable: {known}")
        if direction not in ("asc", "desc"):
            raise BadRequest(f"sort direction must be asc or desc, not {direction!r}")
        order.append((keys[name], direction == "desc"))
    return order


def sort_records(
    records: Sequence[Record], sort: Sequence[str], properties: Mapping[str, str]
) -> list[Record]:
    """``records`` ordered by ``sort`` (see :func:`sort_order`). Records without a value sort
    after those with one, in either direction. Without ``sort`` the records keep their order.

    Raises:
        BadRequest: an unknown property or direction, named.
    """
    ordered = list(records)
    for attribute, descending in reversed(sort_order(sort, properties)):
        present = [r for r in ordered if getattr(r, attribute) is not None]
        absent = [r for r in ordered if getattr(r, attribute) is None]
        present.sort(key=lambda r: getattr(r, attribute), reverse=descending)
        ordered = present + absent
    return ordered


def check_page(request: PageRequest) -> None:
    """Raise ``BadRequest`` for a negative page, or a size outside 1..1000."""
    if request.page < 0 or not 1 <= request.size <= MAX_PAGE_SIZE:
        raise BadRequest(f"page must be >= 0 and size between 1 and {MAX_PAGE_SIZE}")


def page_of(records: Sequence[Record], request: PageRequest) -> Page[Record]:
    """One zero-based page of ``records``.

    Raises:
        BadRequest: a negative page, or a size outside 1..1000.
    """
    check_page(request)
    page, size = request.page, request.size
    return Page(
        content=list(records[page * size : (page + 1) * size]),
        page=page,
        size=size,
        total_elements=len(records),
        total_pages=-(-len(records) // size),
    )


def sorted_page(
    records: Sequence[Record], request: PageRequest, properties: Mapping[str, str]
) -> Page[Record]:
    """``records`` sorted as ``request`` asks (see :func:`sort_records`), one page of them."""
    return page_of(sort_records(records, request.sort, properties), request)
