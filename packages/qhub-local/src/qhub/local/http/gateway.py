"""The service gateway: ``/gateway/<context>/<service>/<version>`` and its seven operations.

Not emulated: workflow services, service versions' OpenAPI documents, the parent-execution
header, and per-plan quotas.
"""

import json
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse

from ..domain.catalog import Service
from ..domain.executions import Execution, LogLine, execution_request, names_data_pools
from .bodies import read_json_object
from .deps import GatewayApplication, HubDep
from .idempotency import created_response, keyed_request
from .wire import iso

__all__ = ["router"]

PREFIX = "/gateway/{context}/{name}/{version}"
#: A streamed log is sent in chunks of about this many bytes.
LOG_CHUNK_BYTES = 256 * 1024

router = APIRouter()


async def _service(context: str, name: str, version: str, hub: HubDep) -> Service:
    return hub.catalog.get(context, name, version)


#: The service at the request's gateway path (404 when none is registered there).
ServiceAtPath = Annotated[Service, Depends(_service)]


# -- JSON shapes of the gateway ------------------------------------------------------------


def execution_json(execution: Execution, service: Service) -> dict[str, Any]:
    """A service execution (camelCase)."""
    return {
        "id": execution.id,
        "status": execution.status,
        "createdAt": iso(execution.created_at),
        "startedAt": iso(execution.started_at),
        "endedAt": iso(execution.ended_at),
        "type": "MANAGED",
        "serviceId": service.id,
        "serviceDefinitionId": service.definition_id,
        "applicationId": execution.application_id,
        "tags": execution.tags,
    }


def log_line_json(line: LogLine) -> dict[str, Any]:
    """One log entry."""
    return {"message": line.message, "severity": line.severity, "timestamp": iso(line.timestamp)}


class LargeChunkFileResponse(FileResponse):
    """A file response sent in 1 MiB chunks: fewer, larger writes for big result files."""

    chunk_size = 1 << 20


def _base(request: Request, service: Service) -> str:
    return str(request.base_url).rstrip("/") + service.path


# -- routes --------------------------------------------------------------------------------


# The base URL with a trailing slash is the same resource (a spec path "/" read literally).
@router.get(PREFIX)
@router.get(PREFIX + "/")
async def list_executions(
    service: ServiceAtPath, application_id: GatewayApplication, hub: HubDep
) -> JSONResponse:
    """The caller's executions of the service, newest first."""
    executions = hub.executions.list_of(service, application_id)
    return JSONResponse([execution_json(e, service) for e in executions])


@router.post(PREFIX)
@router.post(PREFIX + "/")
async def start_execution(
    request: Request, service: ServiceAtPath, application_id: GatewayApplication, hub: HubDep
) -> JSONResponse:
    """Start an execution with the JSON body as its input (201, ``Location`` of its status).

    The reserved keys ``input`` and ``inputDataRefs`` are read as
    :mod:`qhub.local.domain.executions.reserved` describes (400 when malformed); an execution
    whose data pool grants are refused is answered FAILED. With an ``Idempotency-Key``, the
    execution an earlier request started with it, if any.
    """
    body = await read_json_object(
        request, json_media_type_only=True, max_bytes=request.app.state.max_body_bytes
    )
    key = keyed_request(request, body)
    asked = execution_request(body)
    # Off the event loop when read-only pools' files are copied, or when the request may
    # wait for another one carrying its key.
    if key is not None or names_data_pools(asked):
        created = await run_in_threadpool(hub.executions.start, service, application_id, asked, key)
    else:
        created = hub.executions.start(service, application_id, asked)
    execution = created.resource
    return created_response(
        execution_json(execution, service),
        created,
        headers={"Location": f"{_base(request, service)}/{execution.id}"},
    )


@router.get(PREFIX + "/{execution_id}")
async def get_status(
    execution_id: str, service: ServiceAtPath, application_id: GatewayApplication, hub: HubDep
) -> JSONResponse:
    """One execution."""
    execution = hub.executions.get(service, application_id, execution_id)
    return JSONResponse(execution_json(execution, service))


@router.get(PREFIX + "/{execution_id}/result")
async def get_result(
    request: Request,
    execution_id: str,
    service: ServiceAtPath,
    application_id: GatewayApplication,
    hub: HubDep,
) -> JSONResponse:
    """The execution's JSON output, with links to its status and result files."""
    view = hub.executions.result(service, application_id, execution_id)
    status_url = f"{_base(request, service)}/{execution_id}"
    links: dict[str, Any] = {"status": {"href": status_url}}
    for name in view.files:
        links[name] = {"href": f"{status_url}/result/{quote(name, safe='')}"}
    body: dict[str, Any] = {
        k: v for k, v in (view.output or {}).items() if k not in ("_links", "_embedded")
    }
    body["_links"] = links
    body["_embedded"] = {"status": execution_json(view.execution, service)}
    return JSONResponse(body)


@router.get(PREFIX + "/{execution_id}/result/{file_name}")
async def get_result_file(
    execution_id: str,
    file_name: str,
    service: ServiceAtPath,
    application_id: GatewayApplication,
    hub: HubDep,
) -> FileResponse:
    """One result file, as an attachment."""
    path = hub.executions.result_file(service, application_id, execution_id, file_name)
    return LargeChunkFileResponse(path, media_type="application/octet-stream", filename=file_name)


@router.get(PREFIX + "/{execution_id}/log")
async def get_logs(
    execution_id: str, service: ServiceAtPath, application_id: GatewayApplication, hub: HubDep
) -> Response:
    """The execution's log, oldest first (204 while it is empty), streamed from the file as
    it is sent: a log of any size costs the Hub one chunk of memory."""
    lines = hub.executions.logs(service, application_id, execution_id)
    first = await run_in_threadpool(next, lines, None)
    if first is None:
        return Response(status_code=204)
    return StreamingResponse(_json_array(first, lines), media_type="application/json")


def _json_array(first: LogLine, rest: Iterator[LogLine]) -> Iterator[bytes]:
    """A JSON array of log entries, in chunks of about :data:`LOG_CHUNK_BYTES`."""
    chunk = [b"[", _encoded(first)]
    size = len(chunk[1])
    for line in rest:
        encoded = _encoded(line)
        chunk += (b",", encoded)
        size += len(encoded) + 1
        if size >= LOG_CHUNK_BYTES:
            yield b"".join(chunk)
            chunk, size = [], 0
    chunk.append(b"]")
    yield b"".join(chunk)


def _encoded(line: LogLine) -> bytes:
    return json.dumps(log_line_json(line), ensure_ascii=False, separators=(",", ":")).encode()


@router.put(PREFIX + "/{execution_id}/cancel", status_code=204)
async def cancel_execution(
    execution_id: str, service: ServiceAtPath, application_id: GatewayApplication, hub: HubDep
) -> Response:
    """Cancel a pending or running execution (a final one is left as it is)."""
    hub.executions.cancel(service, application_id, execution_id)
    return Response(status_code=204)
