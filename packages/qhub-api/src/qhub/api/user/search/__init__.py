"""The ``search`` namespace (generated from ``spec/user.json``; nothing added by hand)."""

from .._generated.search import AsyncSearchClient, SearchClient

__all__ = ["AsyncSearchClient", "SearchClient"]
