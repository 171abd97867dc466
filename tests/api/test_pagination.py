"""Pages: one page and an iterator over every item, in both wire casings."""

from __future__ import annotations

from qhub.api._core.pagination import AsyncPager, Page, SyncPager


def make_pages(total: int, size: int, camel: bool) -> list[Page[int]]:
    """All pages of 0..total-1, as the Quantum (snake) or Platform (camel) API sends them."""
    pages = []
    count = -(-total // size)
    for number in range(count):
        content = list(range(number * size, min(total, (number + 1) * size)))
        wire = (
            {
                "content": content,
                "number": number,
                "size": size,
                "totalElements": total,
                "totalPages": count,
            }
            if camel
            else {
                "content": content,
                "page": number,
                "size": size,
                "total_elements": total,
                "total_pages": count,
            }
        )
        pages.append(Page[int].model_validate(wire))
    return pages


def test_iterates_every_item_fetching_pages_lazily() -> None:
    """Only the pages needed are fetched, in order, each once."""
    pages = make_pages(7, 3, camel=False)
    fetched: list[int] = []

    def fetch(number: int) -> Page[int]:
        fetched.append(number)
        return pages[number]

    pager = SyncPager(pages[0], fetch)
    assert pager.first_page.total_elements == 7
    assert list(pager) == list(range(7))
    assert fetched == [1, 2]


def test_camel_case_pages_and_empty_results() -> None:
    """Platform pages parse too; an empty first page means no fetch at all."""
    pages = make_pages(4, 2, camel=True)
    assert list(SyncPager(pages[0], lambda n: pages[n])) == [0, 1, 2, 3]
    empty = Page[int].model_validate(
        {"content": [], "page": 0, "size": 2, "total_elements": 0, "total_pages": 0}
    )
    assert list(SyncPager(empty, lambda n: (_ for _ in ()).throw(AssertionError("no fetch")))) == []


async def test_async_pager() -> None:
    """async for walks every item, fetching pages as it goes; await gives the first page."""
    import pytest

    pages = make_pages(5, 2, camel=False)
    fetched: list[int] = []

    async def fetch(number: int) -> Page[int]:
        fetched.append(number)
        return pages[number]

    pager = AsyncPager(fetch)
    assert fetched == []  # nothing is sent until it is iterated or awaited
    with pytest.raises(RuntimeError, match="awaiting the pager"):
        _ = pager.first_page
    assert [item async for item in pager] == [0, 1, 2, 3, 4]
    assert fetched == [0, 1, 2]
    awaited = await AsyncPager(fetch)
    assert awaited.first_page.content == [0, 1]
    assert [item async for item in awaited] == [0, 1, 2, 3, 4]
