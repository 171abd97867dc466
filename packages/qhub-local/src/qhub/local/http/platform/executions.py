"""The Platform API's service executions: every gateway execution of the organization's
applications, with the status, logs and results the gateway shows for it.

Not emulated: metrics, lineage, costs and observability files (local runs have none
recorded); ``raw`` logs (the entries are the same either way).
"""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse

from ...domain.executions import ExecutionQuery
from ..deps import HubDep, Paging
from .caller import PlatformCaller, hub_base_url
from .shapes import execution_json, execution_page_json, logs_json, result_json

__all__ = ["router"]

router = APIRouter()

#: A repeatable query parameter (``?tags=a&tags=b``).
Values = Annotated[list[str] | None, Query()]
#: Newest first unless the caller sorts.
DEFAULT_SORT = ("createdAt,desc",)


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """An instant from the query string, timezone-aware (a naive one is read as UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.timezone.utc)


@router.get("/service-executions")
async def get_service_executions(
    caller: PlatformCaller,
    hub: HubDep,
    paging: Paging,
    createdAfter: dt.datetime | None = None,
    createdBefore: dt.datetime | None = None,
    applicationId: str | None = None,
    serviceId: str | None = None,
    tags: Values = None,
    ids: Values = None,
) -> JSONResponse:
    """A page of the organization's executions matching every filter given (``tags``: any
    of them), newest first unless sorted otherwise."""
    query = ExecutionQuery(
        created_after=_utc(createdAfter),
        created_before=_utc(createdBefore),
        application_id=applicationId,
        service_id=serviceId,
        tags=tuple(tags or ()),
        ids=tuple(ids or ()),
    )
    if not paging.sort:
        paging = type(paging)(paging.page, paging.size, DEFAULT_SORT)
    page = hub.execution_history.search(caller, query, paging)
    return JSONResponse(execution_page_json(page, paging.sort))


@router.get("/service-executions/{id}")
async def get_service_execution(id: str, caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """One execution of the organization (404 for another organization's)."""
    return JSONResponse(execution_json(hub.execution_history.get(caller, id)))


@router.head("/service-executions/{id}")
async def head_service_execution(id: str, caller: PlatformCaller, hub: HubDep) -> Response:
    """Whether the execution exists for the caller (200, or 404), without a body."""
    hub.execution_history.get(caller, id)
    return Response(status_code=200, media_type="application/json")


@router.put("/service-executions/{id}/cancel", status_code=204)
async def cancel_service_execution(id: str, caller: PlatformCaller, hub: HubDep) -> Response:
    """Cancel a pending or running execution (a final one stays as it is)."""
    hub.execution_history.cancel(caller, id)
    return Response(status_code=204)


@router.get("/service-executions/{id}/logs")
async def get_service_execution_logs(
    id: str,
    caller: PlatformCaller,
    hub: HubDep,
    limit: Annotated[int | None, Query(ge=1)] = None,
    raw: bool | None = None,
) -> JSONResponse:
    """The execution's first and last log entry (of the last ``limit`` ones when given)."""
    summary = await run_in_threadpool(hub.execution_history.logs, caller, id, limit or 1)
    last = summary.last[-1] if summary.last else None
    first = summary.last[0] if limit and summary.last else summary.first
    return JSONResponse(logs_json(first, last))


@router.get("/service-executions/{id}/results")
async def get_service_execution_result(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """The execution's JSON output with links to its status and result files."""
    view = hub.execution_history.result(caller, id)
    url = f"{hub_base_url(request)}/qc-catalog/service-executions/{view.execution.id}"
    return JSONResponse(result_json(view, url))


@router.get("/service-executions/{id}/results/{file_path:path}")
async def get_service_execution_result_file(
    id: str, file_path: str, caller: PlatformCaller, hub: HubDep
) -> FileResponse:
    """One result file, as an attachment (404 for a path that is not a result file)."""
    path = hub.execution_history.result_file(caller, id, file_path)
    return FileResponse(path, media_type="application/octet-stream", filename=path.name)
