"""The ``runtime_minutes`` namespace: runtime allowances per provider."""

from __future__ import annotations

from ..._core.client import AsyncApiResource, SyncApiResource
from ..._core.options import RequestOptions
from ..._core.pipeline import ApiRequest
from ..types import RuntimeMinutesResponse

__all__ = ["AsyncRuntimeMinutesClient", "RuntimeMinutesClient"]

_GET: ApiRequest[RuntimeMinutesResponse] = ApiRequest(
    "GET", "runtime-minutes", RuntimeMinutesResponse
)


class RuntimeMinutesClient(SyncApiResource):
    """Runtime allowances (``client.runtime_minutes``)."""

    def get_runtime_minutes(
        self, *, request_options: RequestOptions | None = None
    ) -> RuntimeMinutesResponse:
        """Allocated, consumed and remaining seconds per provider."""
        return self._pipeline.request(_GET, request_options)


class AsyncRuntimeMinutesClient(AsyncApiResource):
    """Runtime allowances, async (``client.runtime_minutes``)."""

    async def get_runtime_minutes(
        self, *, request_options: RequestOptions | None = None
    ) -> RuntimeMinutesResponse:
        """Allocated, consumed and remaining seconds per provider."""
        return await self._pipeline.request(_GET, request_options)
