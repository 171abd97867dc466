"""The ``workloads`` namespace: jobs and sessions in one filtered, paged listing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..._core.client import AsyncApiResource, SyncApiResource
from ..._core.options import RequestOptions
from ..._core.pagination import AsyncPager, Page, SyncPager
from ..._core.pipeline import ApiRequest
from ..types import WorkloadResponse

__all__ = ["AsyncWorkloadsClient", "WorkloadsClient"]

Values = str | Sequence[str] | None


def _listing(
    page: int | None, size: int | None, **filters: Values
) -> ApiRequest[Page[WorkloadResponse]]:
    """The listing request; filters by their Python names, sent by their wire names."""
    wire = {"backend_id": "backendId", "service_execution_id": "serviceExecutionId"}
    query: dict[str, Any] = {"page": page, "size": size}
    query.update({wire.get(name, name): value for name, value in filters.items()})
    return ApiRequest("GET", "workloads", Page[WorkloadResponse], query=query)


class WorkloadsClient(SyncApiResource):
    """Workloads (``client.workloads``)."""

    def get_workloads(
        self,
        *,
        page: int | None = None,
        size: int | None = None,
        sort: Values = None,
        type: Values = None,
        status: Values = None,
        provider: Values = None,
        backend_id: Values = None,
        tag: Values = None,
        origin: Values = None,
        service_execution_id: Values = None,
        request_options: RequestOptions | None = None,
    ) -> Page[WorkloadResponse]:
        """One zero-based page of jobs and sessions; each filter takes one value or several."""
        call = _listing(
            page,
            size,
            sort=sort,
            type=type,
            status=status,
            provider=provider,
            backend_id=backend_id,
            tag=tag,
            origin=origin,
            service_execution_id=service_execution_id,
        )
        return self._pipeline.request(call, request_options)

    def iter_workloads(
        self, *, size: int | None = None, **filters: Values
    ) -> SyncPager[WorkloadResponse]:
        """Every matching workload, page after page (filters as in :meth:`get_workloads`)."""
        first = self.get_workloads(page=0, size=size, **filters)  # type: ignore[arg-type]
        return SyncPager(
            first,
            lambda number: self.get_workloads(page=number, size=size, **filters),  # type: ignore[arg-type]
        )


class AsyncWorkloadsClient(AsyncApiResource):
    """Workloads, async (``client.workloads``)."""

    async def get_workloads(
        self,
        *,
        page: int | None = None,
        size: int | None = None,
        sort: Values = None,
        type: Values = None,
        status: Values = None,
        provider: Values = None,
        backend_id: Values = None,
        tag: Values = None,
        origin: Values = None,
        service_execution_id: Values = None,
        request_options: RequestOptions | None = None,
    ) -> Page[WorkloadResponse]:
        """One zero-based page of jobs and sessions."""
        call = _listing(
            page,
            size,
            sort=sort,
            type=type,
            status=status,
            provider=provider,
            backend_id=backend_id,
            tag=tag,
            origin=origin,
            service_execution_id=service_execution_id,
        )
        return await self._pipeline.request(call, request_options)

    def iter_workloads(
        self, *, size: int | None = None, **filters: Values
    ) -> AsyncPager[WorkloadResponse]:
        """Every matching workload: ``async for w in client.workloads.iter_workloads()``."""

        async def fetch(number: int) -> Page[WorkloadResponse]:
            return await self.get_workloads(page=number, size=size, **filters)  # type: ignore[arg-type]

        return AsyncPager(fetch)
