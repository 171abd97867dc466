"""The ``service_api`` namespace: the seven gateway operations, sync and async.

Each operation is described once in :class:`_Calls`; the two classes only send.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..._core.client import AsyncApiResource, SyncApiResource
from ..._core.encoding import path_segment
from ..._core.options import RequestOptions
from ..._core.pipeline import ApiRequest
from ..._core.streams import AsyncByteStream, ByteStream
from ..types import LogEntry, ResultResponse, ServiceExecution

__all__ = ["AsyncServiceApiClient", "ServiceApiClient"]


class _Calls:
    """The gateway's operations as requests (paths relative to the service's base URL)."""

    @staticmethod
    def get_service_executions() -> ApiRequest[list[ServiceExecution]]:
        return ApiRequest("GET", "", list[ServiceExecution])

    @staticmethod
    def start_execution(request: Mapping[str, Any]) -> ApiRequest[ServiceExecution]:
        if not isinstance(request, Mapping):
            raise TypeError(f"request must be a dict (a JSON object), not {type(request).__name__}")
        return ApiRequest("POST", "", ServiceExecution, body=dict(request))

    @staticmethod
    def get_status(id: str) -> ApiRequest[ServiceExecution]:
        return ApiRequest("GET", path_segment(id, "id"), ServiceExecution)

    @staticmethod
    def get_result(id: str) -> ApiRequest[ResultResponse]:
        return ApiRequest("GET", f"{path_segment(id, 'id')}/result", ResultResponse)

    @staticmethod
    def get_result_file(id: str, file: str) -> ApiRequest[None]:
        return ApiRequest("GET", f"{path_segment(id, 'id')}/result/{path_segment(file, 'file')}")

    @staticmethod
    def get_logs(id: str) -> ApiRequest[list[LogEntry] | None]:
        return ApiRequest("GET", f"{path_segment(id, 'id')}/log", list[LogEntry], optional=True)

    @staticmethod
    def cancel_execution(id: str) -> ApiRequest[None]:
        return ApiRequest("PUT", f"{path_segment(id, 'id')}/cancel")


class ServiceApiClient(SyncApiResource):
    """Operations of one service's gateway (``client.service_api``)."""

    def get_service_executions(
        self, *, request_options: RequestOptions | None = None
    ) -> list[ServiceExecution]:
        """List the executions started through this gateway by the calling application.

        Raises:
            ApiError: the gateway answered with an error status.
        """
        return self._pipeline.request(_Calls.get_service_executions(), request_options)

    def start_execution(
        self, *, request: Mapping[str, Any], request_options: RequestOptions | None = None
    ) -> ServiceExecution:
        """Start an execution with ``request`` as the JSON body; it starts non-final.

        Not resent on failures after the request may have reached the gateway (that could
        start a second, billed execution) unless ``request_options["idempotency_key"]`` is set.

        Raises:
            TypeError: ``request`` is not a dict.
            ApiError: the gateway rejected the request.
        """
        return self._pipeline.request(_Calls.start_execution(request), request_options)

    def get_status(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> ServiceExecution:
        """The execution's current state.

        Raises:
            ValueError: ``id`` is empty.
            NotFoundError: no such execution (or not visible to this application).
        """
        return self._pipeline.request(_Calls.get_status(id), request_options)

    def get_result(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> ResultResponse:
        """The execution's HAL result: ``_links`` to files, ``_embedded.status``, output keys."""
        return self._pipeline.request(_Calls.get_result(id), request_options)

    def get_result_file(
        self, id: str, file: str, *, request_options: RequestOptions | None = None
    ) -> ByteStream:
        """Stream one result file; the request is sent now, so errors raise here.

        Returns an iterator of byte chunks that never holds the whole file in memory; it
        releases the connection when exhausted or closed (use it in a ``with`` block when
        you may stop early).
        """
        return self._pipeline.stream(_Calls.get_result_file(id, file), request_options)

    def get_logs(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> list[LogEntry] | None:
        """The execution's log entries, oldest first; ``None`` when there are none yet (204)."""
        return self._pipeline.request(_Calls.get_logs(id), request_options)

    def cancel_execution(self, id: str, *, request_options: RequestOptions | None = None) -> None:
        """Ask the gateway to cancel a pending or running execution."""
        self._pipeline.request(_Calls.cancel_execution(id), request_options)


class AsyncServiceApiClient(AsyncApiResource):
    """Operations of one service's gateway, async (``client.service_api``)."""

    async def get_service_executions(
        self, *, request_options: RequestOptions | None = None
    ) -> list[ServiceExecution]:
        """List the executions started through this gateway by the calling application."""
        return await self._pipeline.request(_Calls.get_service_executions(), request_options)

    async def start_execution(
        self, *, request: Mapping[str, Any], request_options: RequestOptions | None = None
    ) -> ServiceExecution:
        """Start an execution; see :meth:`ServiceApiClient.start_execution`."""
        return await self._pipeline.request(_Calls.start_execution(request), request_options)

    async def get_status(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> ServiceExecution:
        """The execution's current state."""
        return await self._pipeline.request(_Calls.get_status(id), request_options)

    async def get_result(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> ResultResponse:
        """The execution's HAL result."""
        return await self._pipeline.request(_Calls.get_result(id), request_options)

    def get_result_file(
        self, id: str, file: str, *, request_options: RequestOptions | None = None
    ) -> AsyncByteStream:
        """Stream one result file: ``await`` it to send the request (errors raise there), or
        ``async for chunk in ...`` directly."""
        return self._pipeline.stream(_Calls.get_result_file(id, file), request_options)

    async def get_logs(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> list[LogEntry] | None:
        """The execution's log entries, oldest first; ``None`` when there are none yet."""
        return await self._pipeline.request(_Calls.get_logs(id), request_options)

    async def cancel_execution(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> None:
        """Ask the gateway to cancel a pending or running execution."""
        await self._pipeline.request(_Calls.cancel_execution(id), request_options)
