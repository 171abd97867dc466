"""The service gateway: ``/gateway/<context>/<service>/<version>`` and its seven operations.

Not emulated: workflow services, service versions' OpenAPI documents, the parent-execution
header, and per-plan quotas.
"""

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from ..domain import BadRequest, Execution, Hub, PayloadTooLarge, Service, UnsupportedMediaType
from ..domain.models import iso

__all__ = ["gateway_router"]

PREFIX = "/gateway/{context}/{name}/{version}"


class ServiceExecutionOut(BaseModel):
    """Wire shape of a service execution."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: str
    status: str
    created_at: str | None
    started_at: str | None
    ended_at: str | None
    type: str = "MANAGED"
    service_id: str
    service_definition_id: str
    application_id: str
    tags: list[str] = Field(default_factory=list)

    @classmethod
    def of(cls, execution: Execution, service: Service) -> "ServiceExecutionOut":
        """The wire view of an execution."""
        return cls(
            id=execution.id,
            status=execution.status,
            created_at=iso(execution.created_at),
            started_at=iso(execution.started_at),
            ended_at=iso(execution.ended_at),
            service_id=service.id,
            service_definition_id=service.definition_id,
            application_id=execution.application_id,
            tags=execution.tags,
        )

    def wire(self) -> dict[str, Any]:
        """JSON-ready, camelCase."""
        return self.model_dump(by_alias=True)


class LargeChunkFileResponse(FileResponse):
    """A file response sent in 1 MiB chunks: fewer, larger writes for big result files."""

    chunk_size = 1 << 20


class LogEntryOut(BaseModel):
    """Wire shape of a log entry."""

    message: str
    severity: str
    timestamp: str


def gateway_router(hub: Hub, *, max_body_bytes: int) -> APIRouter:
    """The gateway routes, bound to ``hub``."""
    router = APIRouter()

    # Dependencies are coroutines so FastAPI doesn't hop to a thread pool for them.
    async def service(context: str, name: str, version: str) -> Service:
        return hub.catalog.get(context, name, version)

    async def caller(authorization: Annotated[str | None, Header()] = None) -> str:
        token = (
            authorization[7:] if authorization and authorization[:7].lower() == "bearer " else None
        )
        return hub.applications.application_for_bearer(token)

    ServiceDep = Annotated[Service, Depends(service)]
    CallerDep = Annotated[str, Depends(caller)]

    def base(request: Request, svc: Service) -> str:
        return str(request.base_url).rstrip("/") + svc.path

    @router.get(PREFIX)
    async def list_executions(svc: ServiceDep, app_id: CallerDep) -> JSONResponse:
        return JSONResponse(
            [ServiceExecutionOut.of(e, svc).wire() for e in hub.executions(svc, app_id)]
        )

    @router.post(PREFIX)
    async def start_execution(request: Request, svc: ServiceDep, app_id: CallerDep) -> JSONResponse:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise UnsupportedMediaType(
                f"the body must be application/json, not {content_type or 'missing'!r}"
            )
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_body_bytes:
            raise PayloadTooLarge(f"the body is {declared} bytes; the limit is {max_body_bytes}")
        raw = bytearray()
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > max_body_bytes:
                raise PayloadTooLarge(f"the body is over the limit of {max_body_bytes} bytes")
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise BadRequest(f"the body is not valid JSON: {exc}") from None
        if not isinstance(body, dict):
            raise BadRequest(f"the body must be a JSON object, not {type(body).__name__}")
        execution = hub.start_execution(svc, app_id, body)
        location = f"{base(request, svc)}/{execution.id}"
        return JSONResponse(
            ServiceExecutionOut.of(execution, svc).wire(),
            status_code=201,
            headers={"Location": location},
        )

    @router.get(PREFIX + "/{execution_id}")
    async def get_status(execution_id: str, svc: ServiceDep, app_id: CallerDep) -> JSONResponse:
        return JSONResponse(
            ServiceExecutionOut.of(hub.execution(svc, app_id, execution_id), svc).wire()
        )

    @router.get(PREFIX + "/{execution_id}/result")
    async def get_result(
        request: Request, execution_id: str, svc: ServiceDep, app_id: CallerDep
    ) -> JSONResponse:
        view = hub.result(svc, app_id, execution_id)
        status_url = f"{base(request, svc)}/{execution_id}"
        links: dict[str, Any] = {"status": {"href": status_url}}
        for name in view.files:
            links[name] = {"href": f"{status_url}/result/{quote(name, safe='')}"}
        body: dict[str, Any] = {
            k: v for k, v in (view.output or {}).items() if k not in ("_links", "_embedded")
        }
        body["_links"] = links
        body["_embedded"] = {"status": ServiceExecutionOut.of(view.execution, svc).wire()}
        return JSONResponse(body)

    @router.get(PREFIX + "/{execution_id}/result/{file_name}")
    async def get_result_file(
        execution_id: str, file_name: str, svc: ServiceDep, app_id: CallerDep
    ) -> FileResponse:
        path = hub.result_file(svc, app_id, execution_id, file_name)
        return LargeChunkFileResponse(
            path, media_type="application/octet-stream", filename=file_name
        )

    @router.get(PREFIX + "/{execution_id}/log")
    async def get_logs(execution_id: str, svc: ServiceDep, app_id: CallerDep) -> Response:
        lines = hub.logs(svc, app_id, execution_id)
        if not lines:
            return Response(status_code=204)
        return JSONResponse([LogEntryOut(**line.__dict__).model_dump() for line in lines])

    @router.put(PREFIX + "/{execution_id}/cancel", status_code=204)
    async def cancel_execution(execution_id: str, svc: ServiceDep, app_id: CallerDep) -> Response:
        hub.cancel(svc, app_id, execution_id)
        return Response(status_code=204)

    return router
