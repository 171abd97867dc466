"""The dashboard's routes: its page at ``/``, the API reference at ``/docs``, the pages'
assets, and the JSON endpoints the dashboard polls (``/dashboard/api/...``), each answering
for the signed-in person's organization.

The pages themselves hold no data and need no token; every JSON endpoint does (see
:mod:`.access`). Lists are pages, newest first (``page`` zero-based, ``size`` 1..1000).
"""

import functools
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse

from ..domain import NotFound
from ..domain.executions import FINAL_STATUSES
from ..domain.listing import PageRequest
from .access import Viewer, hub_of
from .views import (
    datapool_json,
    execution_detail_json,
    execution_json,
    job_detail_json,
    job_json,
    page_json,
    service_json,
    session_json,
)

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_LOG_LINES", "router"]

router = APIRouter(include_in_schema=False)

#: Rows per page unless the page asks for another size.
DEFAULT_PAGE_SIZE = 50
#: An execution's detail shows its last log lines, at most this many.
MAX_LOG_LINES = 500
#: An execution's detail lists the quantum jobs it submitted, at most this many.
MAX_EXECUTION_JOBS = 100

#: The bundled assets by URL name: (file under ``static/``, media type).
ASSETS = {
    "app.js": ("app.js", "text/javascript; charset=utf-8"),
    "docs.js": ("docs.js", "text/javascript; charset=utf-8"),
    "style.css": ("style.css", "text/css; charset=utf-8"),
}

# The page loads only its own script and stylesheet and talks only to its own origin; no
# inline script or style can run, so text that slips into markup still can't execute.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


@functools.cache
def _static(name: str) -> bytes:
    """A bundled file's bytes (read once)."""
    return (resources.files("qhub.local.dashboard") / "static" / name).read_bytes()


def _json(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, headers=NO_STORE)


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/")
async def dashboard_page() -> Response:
    """The dashboard's page (no data in it: the page fetches that with the token)."""
    return Response(
        _static("index.html"), media_type="text/html; charset=utf-8", headers=PAGE_HEADERS
    )


@router.get("/docs")
async def reference_page() -> Response:
    """The API reference: the Hub's four OpenAPI documents rendered in the browser, from
    bundled assets only (it works offline)."""
    return Response(
        _static("docs.html"), media_type="text/html; charset=utf-8", headers=PAGE_HEADERS
    )


@router.get("/redoc")
async def redoc_page() -> RedirectResponse:
    """Where FastAPI apps keep their second reference page: the one at ``/docs``."""
    return RedirectResponse("/docs", status_code=307)


@router.get("/dashboard/assets/{name}")
async def dashboard_asset(name: str) -> Response:
    """The page's script or stylesheet (404 for any other name)."""
    if name not in ASSETS:
        raise NotFound(f"no dashboard asset {name!r}")
    file, media_type = ASSETS[name]
    return Response(_static(file), media_type=media_type, headers=PAGE_HEADERS)


@router.get("/dashboard/api/overview")
async def overview(viewer: Viewer, request: Request) -> JSONResponse:
    """Who is signed in, and how much of each kind of work the organization has."""
    hub = hub_of(request)
    organization_id = viewer.caller.organization_id
    statuses = hub.execution_history.status_counts(viewer.caller)
    one = PageRequest(0, 1)
    return _json(
        {
            "username": viewer.username,
            "organizationId": organization_id,
            "counts": {
                "services": len(hub.catalog.entries(organization_id)),
                "executions": sum(statuses.values()),
                "activeExecutions": sum(
                    count for status, count in statuses.items() if status not in FINAL_STATUSES
                ),
                "jobs": hub.quantum.listings.jobs(organization_id, one).total_elements,
                "sessions": hub.quantum.sessions.newest(organization_id, one).total_elements,
                "datapools": len(hub.datapools.all()),
            },
        }
    )


@router.get("/dashboard/api/services")
async def services(viewer: Viewer, request: Request) -> JSONResponse:
    """The services the organization sees, in the order they were registered."""
    entries = hub_of(request).catalog.entries(viewer.caller.organization_id)
    base = _base_url(request)
    return _json({"items": [service_json(entry, base) for entry in entries]})


@router.get("/dashboard/api/executions")
async def executions(
    viewer: Viewer, request: Request, page: int = 0, size: int = DEFAULT_PAGE_SIZE
) -> JSONResponse:
    """A page of the organization's executions, newest first."""
    found = hub_of(request).execution_history.newest(viewer.caller, PageRequest(page, size))
    return _json(page_json(found, execution_json))


@router.get("/dashboard/api/executions/{execution_id}")
async def execution(execution_id: str, viewer: Viewer, request: Request) -> JSONResponse:
    """An execution with its last log lines, output, result files and quantum jobs."""
    hub = hub_of(request)
    history = hub.execution_history
    view = history.result(viewer.caller, execution_id)
    logs = await run_in_threadpool(history.logs, viewer.caller, execution_id, MAX_LOG_LINES)
    files = [
        (name, history.result_file(viewer.caller, execution_id, name).stat().st_size)
        for name in view.files
    ]
    jobs = hub.quantum.listings.jobs(
        viewer.caller.organization_id,
        PageRequest(0, MAX_EXECUTION_JOBS),
        service_execution_id=execution_id,
    )
    body = execution_detail_json(
        view.execution,
        logs=list(logs.last),
        logs_total=logs.total,
        output=view.output,
        files=files,
        jobs=jobs.content,
    )
    return _json(body)


@router.get("/dashboard/api/executions/{execution_id}/files/{name}")
async def execution_file(
    execution_id: str, name: str, viewer: Viewer, request: Request
) -> Response:
    """One result file of an execution, as a download."""
    path = hub_of(request).execution_history.result_file(viewer.caller, execution_id, name)
    return FileResponse(
        path, media_type="application/octet-stream", filename=path.name, headers=NO_STORE
    )


@router.post("/dashboard/api/executions/{execution_id}/cancel")
async def cancel_execution(execution_id: str, viewer: Viewer, request: Request) -> JSONResponse:
    """Cancel a pending or running execution (a final one stays as it is); the execution
    as it is now. Only the organization's maintainers and owners may (403)."""
    cancelled = hub_of(request).execution_history.cancel(viewer.caller, execution_id)
    return _json(execution_json(cancelled))


@router.get("/dashboard/api/jobs")
async def jobs(
    viewer: Viewer, request: Request, page: int = 0, size: int = DEFAULT_PAGE_SIZE
) -> JSONResponse:
    """A page of the organization's quantum jobs, newest first."""
    listings = hub_of(request).quantum.listings
    found = listings.jobs(viewer.caller.organization_id, PageRequest(page, size))
    return _json(page_json(found, job_json))


@router.get("/dashboard/api/jobs/{job_id}")
async def job(job_id: str, viewer: Viewer, request: Request) -> JSONResponse:
    """A quantum job with its input and its counts (as histogram bars) or error, as stored
    (reading it here is not one of the job's polls)."""
    record = hub_of(request).quantum.jobs.inspect(viewer.caller.organization_id, job_id)
    return _json(job_detail_json(record))


@router.get("/dashboard/api/sessions")
async def sessions(
    viewer: Viewer, request: Request, page: int = 0, size: int = DEFAULT_PAGE_SIZE
) -> JSONResponse:
    """A page of the organization's sessions, newest first, with their job counts."""
    all_sessions = hub_of(request).quantum.sessions
    found = all_sessions.newest(viewer.caller.organization_id, PageRequest(page, size))
    return _json(page_json(found, lambda s: session_json(s, len(all_sessions.jobs_of(s)))))


@router.get("/dashboard/api/datapools")
async def datapools(viewer: Viewer, request: Request) -> JSONResponse:
    """Every data pool with its files (data pools are not yet scoped to organizations)."""
    return _json({"items": [datapool_json(pool) for pool in hub_of(request).datapools.all()]})
