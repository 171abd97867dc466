"""The ``data_pool_grants`` namespace: short-lived access grants for data pools."""

from __future__ import annotations

from ..._core.client import AsyncApiResource, SyncApiResource
from ..._core.encoding import path_segment, require_id
from ..._core.options import RequestOptions
from ..._core.pipeline import ApiRequest
from ..types import DataPoolGrant, DataPoolPermission

__all__ = ["AsyncDataPoolGrantsClient", "DataPoolGrantsClient"]


def _create(
    id: str, application_id: str, permission: DataPoolPermission | str
) -> ApiRequest[DataPoolGrant]:
    require_id(application_id, "application_id")
    body = {
        "applicationId": application_id,
        "permission": DataPoolPermission(str(permission)).value,
    }
    return ApiRequest(
        "POST", f"datapools/{path_segment(id, 'id')}/grants", DataPoolGrant, body=body
    )


class DataPoolGrantsClient(SyncApiResource):
    """``/datapools/{id}/grants``."""

    def create_data_pool_grant(
        self,
        id: str,
        *,
        application_id: str,
        permission: DataPoolPermission | str,
        request_options: RequestOptions | None = None,
    ) -> DataPoolGrant:
        """Issue a grant token for data pool ``id`` to an application.

        Raises:
            ValueError: an empty id.
            NotFoundError: unknown data pool or application.
        """
        return self._pipeline.request(_create(id, application_id, permission), request_options)


class AsyncDataPoolGrantsClient(AsyncApiResource):
    """``/datapools/{id}/grants``, async."""

    async def create_data_pool_grant(
        self,
        id: str,
        *,
        application_id: str,
        permission: DataPoolPermission | str,
        request_options: RequestOptions | None = None,
    ) -> DataPoolGrant:
        """Issue a grant token for data pool ``id`` to an application."""
        return await self._pipeline.request(
            _create(id, application_id, permission), request_options
        )
