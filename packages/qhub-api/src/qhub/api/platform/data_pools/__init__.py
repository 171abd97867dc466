"""The ``data_pools`` namespace (first slice: listing)."""

from __future__ import annotations

from ..._core.client import AsyncApiResource, SyncApiResource
from ..._core.options import RequestOptions
from ..._core.pipeline import ApiRequest
from ..types import DataPoolDto

__all__ = ["AsyncDataPoolsClient", "DataPoolsClient"]

_LIST: ApiRequest[list[DataPoolDto]] = ApiRequest("GET", "datapools", list[DataPoolDto])


class DataPoolsClient(SyncApiResource):
    """``/datapools``."""

    def get_data_pools(self, *, request_options: RequestOptions | None = None) -> list[DataPoolDto]:
        """The data pools visible to the caller."""
        return self._pipeline.request(_LIST, request_options)


class AsyncDataPoolsClient(AsyncApiResource):
    """``/datapools``, async."""

    async def get_data_pools(
        self, *, request_options: RequestOptions | None = None
    ) -> list[DataPoolDto]:
        """The data pools visible to the caller."""
        return await self._pipeline.request(_LIST, request_options)
