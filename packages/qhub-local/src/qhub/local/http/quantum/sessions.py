"""Sessions of the Quantum API, and the same operations scoped to the service execution
that opened them (``/service-executions/{id}/sessions/{session_id}``)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..bodies import read_json_object
from ..deps import HubDep, OrganizationId, ServiceExecutionId
from ..idempotency import created_response, keyed_request
from .inputs import accept_jobs, session_request
from .shapes import job_json, session_json

__all__ = ["router"]

router = APIRouter()

SCOPED = "/service-executions/{service_execution_id}/sessions/{session_id}"


@router.post("/sessions")
async def create_session(
    request: Request,
    organization_id: OrganizationId,
    service_execution_id: ServiceExecutionId,
    hub: HubDep,
) -> JSONResponse:
    """Open a session (201); a service execution's token marks it as its session. With an
    ``Idempotency-Key``, the session an earlier request opened with it, if any."""
    body = await read_json_object(request)
    key = keyed_request(request, body)
    wanted = session_request(body, hub.quantum.backends)
    sessions = hub.quantum.sessions
    if key is None:
        created = sessions.open(organization_id, wanted, service_execution_id)
    else:  # off the event loop: it may wait for another request carrying the key
        created = await run_in_threadpool(
            sessions.open, organization_id, wanted, service_execution_id, key
        )
    return created_response(session_json(created.resource), created)


@router.get("/sessions/{session_id}")
async def get_session(
    session_id: str, organization_id: OrganizationId, hub: HubDep
) -> JSONResponse:
    """One session."""
    return JSONResponse(session_json(hub.quantum.sessions.get(organization_id, session_id)))


@router.get("/sessions/{session_id}/status")
async def get_session_status(
    session_id: str, organization_id: OrganizationId, hub: HubDep
) -> JSONResponse:
    """A session's status."""
    return JSONResponse({"status": hub.quantum.sessions.get(organization_id, session_id).status})


@router.get("/sessions/{session_id}/jobs")
async def get_session_jobs(
    session_id: str, organization_id: OrganizationId, hub: HubDep
) -> JSONResponse:
    """The jobs submitted into a session, oldest first."""
    sessions = hub.quantum.sessions
    session = sessions.get(organization_id, session_id)
    return JSONResponse([job_json(job) for job in sessions.jobs_of(session)])


@router.patch("/sessions/{session_id}")
async def update_session_state(
    session_id: str, request: Request, organization_id: OrganizationId, hub: HubDep
) -> JSONResponse:
    """Stop or resume accepting jobs (``accept_jobs``)."""
    accepting = accept_jobs(await read_json_object(request))
    session = hub.quantum.sessions.set_accepting_jobs(organization_id, session_id, accepting)
    return JSONResponse(session_json(session))


@router.delete("/sessions/{session_id}", status_code=204)
async def close_session(session_id: str, organization_id: OrganizationId, hub: HubDep) -> Response:
    """Close a session once its queued jobs finish."""
    hub.quantum.sessions.close(organization_id, session_id)
    return Response(status_code=204)


# -- scoped to a service execution ---------------------------------------------------------


@router.get(SCOPED)
async def get_service_execution_session(
    service_execution_id: str, session_id: str, organization_id: OrganizationId, hub: HubDep
) -> JSONResponse:
    """One of the service execution's sessions."""
    sessions = hub.quantum.sessions
    session = sessions.execution_session(organization_id, service_execution_id, session_id)
    return JSONResponse(session_json(session))


@router.get(SCOPED + "/status")
async def get_service_execution_session_status(
    service_execution_id: str, session_id: str, organization_id: OrganizationId, hub: HubDep
) -> JSONResponse:
    """The status of one of the service execution's sessions."""
    sessions = hub.quantum.sessions
    session = sessions.execution_session(organization_id, service_execution_id, session_id)
    return JSONResponse({"status": session.status})


@router.get(SCOPED + "/jobs")
async def get_service_execution_session_jobs(
    service_execution_id: str, session_id: str, organization_id: OrganizationId, hub: HubDep
) -> JSONResponse:
    """The jobs of one of the service execution's sessions, oldest first."""
    sessions = hub.quantum.sessions
    session = sessions.execution_session(organization_id, service_execution_id, session_id)
    return JSONResponse([job_json(job) for job in sessions.jobs_of(session)])


@router.patch(SCOPED)
async def update_service_execution_session_state(
    service_execution_id: str,
    session_id: str,
    request: Request,
    organization_id: OrganizationId,
    hub: HubDep,
) -> JSONResponse:
    """Stop or resume job intake of one of the service execution's sessions."""
    body = await read_json_object(request)
    sessions = hub.quantum.sessions
    sessions.execution_session(organization_id, service_execution_id, session_id)
    session = sessions.set_accepting_jobs(organization_id, session_id, accept_jobs(body))
    return JSONResponse(session_json(session))


@router.delete(SCOPED, status_code=204)
async def close_service_execution_session(
    service_execution_id: str, session_id: str, organization_id: OrganizationId, hub: HubDep
) -> Response:
    """Close one of the service execution's sessions."""
    sessions = hub.quantum.sessions
    sessions.execution_session(organization_id, service_execution_id, session_id)
    sessions.close(organization_id, session_id)
    return Response(status_code=204)
