"""The ``workloads`` namespace: the generated operations plus ``iter_workloads``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..._core.pagination import AsyncPager, SyncPager
from .._generated import workloads as _generated

if TYPE_CHECKING:
    from .._generated.models import PageResponseWorkloadResponse, WorkloadResponse

__all__ = ["AsyncWorkloadsClient", "WorkloadsClient"]

#: A filter's value: one, several, or none.
Values = str | Sequence[str] | None


class WorkloadsClient(_generated.WorkloadsClient):
    """Jobs and sessions in one listing (``client.workloads``)."""

    def iter_workloads(
        self, *, size: int | None = None, **filters: Values
    ) -> SyncPager[WorkloadResponse]:
        """Every matching workload, page after page (filters as in :meth:`get_workloads`)."""
        first = self.get_workloads(page=0, size=size, **filters)  # type: ignore[arg-type]
        return SyncPager(
            first,
            lambda number: self.get_workloads(page=number, size=size, **filters),  # type: ignore[arg-type]
        )


class AsyncWorkloadsClient(_generated.AsyncWorkloadsClient):
    """Jobs and sessions in one listing, async (``client.workloads``)."""

    def iter_workloads(
        self, *, size: int | None = None, **filters: Values
    ) -> AsyncPager[WorkloadResponse]:
        """Every matching workload: ``async for w in client.workloads.iter_workloads()``."""

        async def fetch(number: int) -> PageResponseWorkloadResponse:
            return await self.get_workloads(page=number, size=size, **filters)  # type: ignore[arg-type]

        return AsyncPager(fetch)
