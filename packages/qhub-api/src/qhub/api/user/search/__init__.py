"""The ``search`` namespace: the user directory."""

from __future__ import annotations

from ..._core.client import AsyncApiResource, SyncApiResource
from ..._core.encoding import require_id
from ..._core.options import RequestOptions
from ..._core.pipeline import ApiRequest
from ..types import UserSearchDto

__all__ = ["AsyncSearchClient", "SearchClient"]


def _users(query: str | None, q: str | None) -> ApiRequest[list[UserSearchDto]]:
    if (query is None) == (q is None):
        raise TypeError("search.users takes the search text as query= (or q=), once")
    text = require_id(query if query is not None else q, "query")
    return ApiRequest("GET", "search", list[UserSearchDto], query={"q": text})


class SearchClient(SyncApiResource):
    """``client.search``."""

    def users(
        self,
        *,
        query: str | None = None,
        q: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> list[UserSearchDto]:
        """Users whose name, username or e-mail contains the text (``query=`` as documented;
        ``q=``, the wire name, works too).

        Raises:
            TypeError / ValueError: no text, both spellings, or blank text.
        """
        return self._pipeline.request(_users(query, q), request_options)


class AsyncSearchClient(AsyncApiResource):
    """``client.search``, async."""

    async def users(
        self,
        *,
        query: str | None = None,
        q: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> list[UserSearchDto]:
        """Users whose name, username or e-mail contains the text."""
        return await self._pipeline.request(_users(query, q), request_options)
