"""The ``backends`` namespace: list and inspect backends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..._core.client import AsyncApiResource, SyncApiResource
from ..._core.encoding import path_segment, require_id
from ..._core.options import RequestOptions
from ..._core.pagination import Page
from ..._core.pipeline import ApiRequest
from ..types import Backend, BackendStateInfo

__all__ = ["AsyncBackendsClient", "BackendsClient"]


class _Calls:
    @staticmethod
    def get_backends(
        provider: str | None, only_planqk_sdk: bool | None
    ) -> ApiRequest[list[Backend]]:
        return ApiRequest(
            "GET",
            "backends",
            list[Backend],
            query={"provider": provider, "onlyPlanqkSdk": only_planqk_sdk},
        )

    @staticmethod
    def get_backend(id: str) -> ApiRequest[Backend]:
        return ApiRequest("GET", f"backends/{path_segment(id, 'id')}", Backend)

    @staticmethod
    def get_backend_status(id: str) -> ApiRequest[BackendStateInfo]:
        return ApiRequest("GET", f"backends/{path_segment(id, 'id')}/status", BackendStateInfo)

    @staticmethod
    def get_backend_calibration(
        id: str, effective_at: datetime | str | None
    ) -> ApiRequest[dict[str, Any] | None]:
        query = {"effectiveAt": effective_at}
        path = f"backends/{path_segment(id, 'id')}/calibration"
        return ApiRequest("GET", path, dict[str, Any], query=query, optional=True)

    @staticmethod
    def get_backend_calibration_history(
        id: str,
        start: datetime | str,
        end: datetime | str,
        page: int | None,
        size: int | None,
        sort: str | Sequence[str] | None,
    ) -> ApiRequest[Page[dict[str, Any]]]:
        query = {"from": start, "to": end, "page": page, "size": size, "sort": sort}
        path = f"backends/{path_segment(id, 'id')}/calibration-history"
        return ApiRequest("GET", path, Page[dict[str, Any]], query=query)

    @staticmethod
    def get_least_busy_backend(provider: str, min_qubits: int | None) -> ApiRequest[Backend]:
        require_id(provider, "provider")
        return ApiRequest(
            "GET",
            "backends/least-busy",
            Backend,
            query={"provider": provider, "minQubits": min_qubits},
        )

    @staticmethod
    def get_backend_config(id: str) -> ApiRequest[dict[str, Any]]:
        return ApiRequest("GET", f"backends/{path_segment(id, 'id')}/config", dict[str, Any])


class BackendsClient(SyncApiResource):
    """Backends (``client.backends``)."""

    def get_backends(
        self,
        *,
        provider: str | None = None,
        only_planqk_sdk: bool | None = None,
        request_options: RequestOptions | None = None,
    ) -> list[Backend]:
        """Every backend (a reduced view without an API key), optionally of one provider."""
        return self._pipeline.request(
            _Calls.get_backends(provider, only_planqk_sdk), request_options
        )

    def get_backend(self, id: str, *, request_options: RequestOptions | None = None) -> Backend:
        """One backend with its configuration."""
        return self._pipeline.request(_Calls.get_backend(id), request_options)

    def get_backend_status(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> BackendStateInfo:
        """A backend's state and queue."""
        return self._pipeline.request(_Calls.get_backend_status(id), request_options)

    def get_backend_config(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> dict[str, Any]:
        """A backend's configuration: gates, qubit count, shots range, input formats."""
        return self._pipeline.request(_Calls.get_backend_config(id), request_options)

    def get_backend_calibration(
        self,
        id: str,
        *,
        effective_at: datetime | str | None = None,
        request_options: RequestOptions | None = None,
    ) -> dict[str, Any] | None:
        """The snapshot (``backend_id``, ``calibrated_at``, ``calibration``) in effect at
        ``effective_at`` (default: now), or None when there is none."""
        return self._pipeline.request(
            _Calls.get_backend_calibration(id, effective_at), request_options
        )

    def get_backend_calibration_history(
        self,
        id: str,
        *,
        from_: datetime | str,
        to: datetime | str,
        page: int | None = None,
        size: int | None = None,
        sort: str | Sequence[str] | None = None,
        request_options: RequestOptions | None = None,
    ) -> Page[dict[str, Any]]:
        """Calibration snapshots taken between ``from_`` and ``to`` (both required, as the
        Hub requires them; naive datetimes are UTC), newest first unless ``sort``
        (``"calibratedAt,asc"``) says otherwise; one zero-based page."""
        call = _Calls.get_backend_calibration_history(id, from_, to, page, size, sort)
        return self._pipeline.request(call, request_options)

    def get_least_busy_backend(
        self,
        *,
        provider: str,
        min_qubits: int | None = None,
        request_options: RequestOptions | None = None,
    ) -> Backend:
        """The provider's backend with the shortest queue and at least ``min_qubits`` qubits."""
        return self._pipeline.request(
            _Calls.get_least_busy_backend(provider, min_qubits), request_options
        )


class AsyncBackendsClient(AsyncApiResource):
    """Backends, async (``client.backends``)."""

    async def get_backends(
        self,
        *,
        provider: str | None = None,
        only_planqk_sdk: bool | None = None,
        request_options: RequestOptions | None = None,
    ) -> list[Backend]:
        """Every backend, optionally of one provider."""
        return await self._pipeline.request(
            _Calls.get_backends(provider, only_planqk_sdk), request_options
        )

    async def get_backend(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> Backend:
        """One backend with its configuration."""
        return await self._pipeline.request(_Calls.get_backend(id), request_options)

    async def get_backend_status(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> BackendStateInfo:
        """A backend's state and queue."""
        return await self._pipeline.request(_Calls.get_backend_status(id), request_options)

    async def get_backend_config(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> dict[str, Any]:
        """A backend's configuration."""
        return await self._pipeline.request(_Calls.get_backend_config(id), request_options)

    async def get_backend_calibration(
        self,
        id: str,
        *,
        effective_at: datetime | str | None = None,
        request_options: RequestOptions | None = None,
    ) -> dict[str, Any] | None:
        """A calibration snapshot, or None."""
        return await self._pipeline.request(
            _Calls.get_backend_calibration(id, effective_at), request_options
        )

    async def get_backend_calibration_history(
        self,
        id: str,
        *,
        from_: datetime | str,
        to: datetime | str,
        page: int | None = None,
        size: int | None = None,
        sort: str | Sequence[str] | None = None,
        request_options: RequestOptions | None = None,
    ) -> Page[dict[str, Any]]:
        """Calibration snapshots taken between ``from_`` and ``to`` (both required, as the
        Hub requires them; naive datetimes are UTC), newest first unless ``sort``
        (``"calibratedAt,asc"``) says otherwise; one zero-based page."""
        call = _Calls.get_backend_calibration_history(id, from_, to, page, size, sort)
        return await self._pipeline.request(call, request_options)

    async def get_least_busy_backend(
        self,
        *,
        provider: str,
        min_qubits: int | None = None,
        request_options: RequestOptions | None = None,
    ) -> Backend:
        """The provider's backend with the shortest queue."""
        return await self._pipeline.request(
            _Calls.get_least_busy_backend(provider, min_qubits), request_options
        )
