"""Pages that are both one page and an iterator over every item.

``Page[T]`` is the wire shape (``content, page, size, total_elements, total_pages``, in the
Quantum API's snake_case or the Platform API's camelCase). A :class:`SyncPager` holds the
first page and fetches the following ones only while you iterate.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, Generic, TypeVar

from pydantic import AliasChoices, Field, model_validator

from .models import HubModel

__all__ = ["AsyncPager", "ListPage", "Page", "SyncPager"]

T = TypeVar("T")


class Page(HubModel, Generic[T]):
    """One page of results; ``page`` is zero-based."""

    content: list[T] | None = None
    page: int | None = Field(default=None, validation_alias=AliasChoices("page", "number"))
    size: int | None = None
    total_elements: int | None = Field(
        default=None, validation_alias=AliasChoices("total_elements", "totalElements")
    )
    total_pages: int | None = Field(
        default=None, validation_alias=AliasChoices("total_pages", "totalPages")
    )

    def has_next(self) -> bool:
        """Whether another page follows this one."""
        if not self.content:
            return False
        if self.total_pages is None or self.page is None:
            return self.size is not None and len(self.content) >= self.size
        return self.page + 1 < self.total_pages


class ListPage(Page[T], Generic[T]):
    """A listing the seeds show paged but the Hub may send as a bare array.

    Either way, ``.content`` holds the items and the page iterates over them, so both
    ``for s in page.content or []`` and ``for s in page`` work.
    """

    @model_validator(mode="before")
    @classmethod
    def _from_array(cls, value: Any) -> Any:
        if isinstance(value, list):
            return {"content": value, "size": len(value), "page": 0, "total_pages": 1}
        return value

    def __iter__(self) -> Iterator[T]:  # type: ignore[override]
        return iter(self.content or [])

    def __len__(self) -> int:
        return len(self.content or [])


class SyncPager(Generic[T]):
    """The first page plus iteration over every item of every page."""

    def __init__(self, first: Page[T], fetch_page: Callable[[int], Page[T]]) -> None:
        self.first_page = first
        self._fetch_page = fetch_page

    def iter_pages(self) -> Iterator[Page[T]]:
        """Yield the first page, then fetch and yield each following page."""
        page = self.first_page
        yield page
        while page.has_next():
            page = self._fetch_page((page.page or 0) + 1)
            yield page

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.content or []


class AsyncPager(Generic[T]):
    """The async twin of :class:`SyncPager`: ``async for item in pager`` fetches pages as it
    goes; ``await pager`` fetches the first page (then ``pager.first_page``) and returns it."""

    def __init__(self, fetch_page: Callable[[int], Awaitable[Page[T]]]) -> None:
        self._fetch_page = fetch_page
        self._first: Page[T] | None = None

    @property
    def first_page(self) -> Page[T]:
        """The first page, once the pager has been awaited or iterated.

        Raises:
            RuntimeError: not fetched yet.
        """
        if self._first is None:
            raise RuntimeError("the first page is fetched by awaiting the pager")
        return self._first

    async def _load(self) -> AsyncPager[T]:
        if self._first is None:
            self._first = await self._fetch_page(0)
        return self

    def __await__(self) -> Generator[Any, None, AsyncPager[T]]:
        return self._load().__await__()

    async def iter_pages(self) -> AsyncIterator[Page[T]]:
        """Yield the first page, then fetch and yield each following page."""
        page = (await self._load()).first_page
        yield page
        while page.has_next():
            page = await self._fetch_page((page.page or 0) + 1)
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.content or []:
                yield item
