"""Jobs of the Quantum API, and the same reads scoped to the service execution that made
them (``/service-executions/{id}/jobs/{job_id}``)."""

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ...domain import Hub, Unprocessable
from ..bodies import read_json_object
from ..deps import HubDep, OrganizationId, ServiceExecutionId
from ..idempotency import created_response, keyed_request
from .inputs import job_submission
from .shapes import (
    calibration_response,
    job_json,
    memory_json,
    normalized_input_json,
    normalized_result_json,
)

__all__ = ["job_created", "router"]

router = APIRouter()

SCOPED = "/service-executions/{service_execution_id}/jobs/{job_id}"


def _stream(result: dict[str, object]) -> Response:
    """A result as the octet stream the result-stream endpoints send."""
    return Response(json.dumps(result).encode(), media_type="application/octet-stream")


@router.post("/jobs")
async def create_job(
    request: Request,
    organization_id: OrganizationId,
    service_execution_id: ServiceExecutionId,
    hub: HubDep,
) -> JSONResponse:
    """Validate and queue a job (201); a service execution's token marks it as its job.
    With an ``Idempotency-Key``, the job an earlier request made with it, if any."""
    return await job_created(request, hub, organization_id, service_execution_id)


async def job_created(
    request: Request, hub: Hub, organization_id: str, service_execution_id: str | None
) -> JSONResponse:
    """What :func:`create_job` answers, once the caller is known (also called by the fast
    path of :mod:`..fast_paths`)."""
    body = await read_json_object(request, malformed=Unprocessable)
    key = keyed_request(request, body)
    submission = job_submission(body, hub.quantum.backends)
    # On a worker thread: validation waits for the parser process (and a request carrying a
    # key another one is carrying out waits for it).
    created = await run_in_threadpool(
        hub.quantum.jobs.submit, organization_id, submission, service_execution_id, key
    )
    return created_response(job_json(created.resource), created)


@router.get("/jobs/{job_id}")
async def get_job(job_id: str, organization_id: OrganizationId, hub: HubDep) -> JSONResponse:
    """One job."""
    return JSONResponse(job_json(hub.quantum.jobs.get(organization_id, job_id)))


@router.get("/jobs/{job_id}/status")
async def get_job_status(job_id: str, organization_id: OrganizationId, hub: HubDep) -> JSONResponse:
    """A job's status."""
    return JSONResponse({"status": hub.quantum.jobs.get(organization_id, job_id).status})


@router.get("/jobs/{job_id}/result")
async def get_job_result(job_id: str, organization_id: OrganizationId, hub: HubDep) -> JSONResponse:
    """A finished job's result (404 until then)."""
    return JSONResponse(hub.quantum.jobs.result(organization_id, job_id))


@router.get("/jobs/{job_id}/result/normalized")
async def get_normalized_job_result(
    job_id: str, organization_id: OrganizationId, hub: HubDep
) -> JSONResponse:
    """A finished job's result as one pub."""
    jobs = hub.quantum.jobs
    job = jobs.get(organization_id, job_id)
    return JSONResponse(normalized_result_json(job, jobs.result(organization_id, job_id)))


@router.get("/jobs/{job_id}/result/normalized/memory")
async def get_normalized_job_memory(
    job_id: str, organization_id: OrganizationId, hub: HubDep
) -> Response:
    """Per-shot outcomes, or 204 when the job didn't ask for them."""
    memory = memory_json(hub.quantum.jobs.result(organization_id, job_id))
    return Response(status_code=204) if memory is None else JSONResponse(memory)


@router.get("/jobs/{job_id}/input/normalized")
def get_normalized_job_input(
    job_id: str, organization_id: OrganizationId, hub: HubDep
) -> JSONResponse:
    """A job's input as OpenQASM (a plain def: it waits for the parser process)."""
    return JSONResponse(
        normalized_input_json(hub.quantum.jobs.normalized_input(organization_id, job_id))
    )


@router.get("/jobs/{job_id}/result-stream")
async def get_job_result_stream(
    job_id: str, organization_id: OrganizationId, hub: HubDep
) -> Response:
    """A finished job's result as a stream."""
    return _stream(hub.quantum.jobs.result(organization_id, job_id))


@router.get("/jobs/{job_id}/input")
async def get_job_input(job_id: str, organization_id: OrganizationId, hub: HubDep) -> JSONResponse:
    """A job's input as submitted."""
    return JSONResponse(hub.quantum.jobs.input(organization_id, job_id))


@router.get("/jobs/{job_id}/calibration")
async def get_job_calibration(
    job_id: str, organization_id: OrganizationId, hub: HubDep
) -> Response:
    """The calibration the job ran with."""
    job = hub.quantum.jobs.get(organization_id, job_id)
    return calibration_response(hub.quantum.calibrations.of_job(job))


@router.delete("/jobs/{job_id}", status_code=204)
async def cancel_job(job_id: str, organization_id: OrganizationId, hub: HubDep) -> Response:
    """Cancel a pending or running job."""
    hub.quantum.jobs.cancel(organization_id, job_id)
    return Response(status_code=204)


# -- scoped to a service execution ---------------------------------------------------------


@router.get(SCOPED)
async def get_service_execution_job(
    service_execution_id: str, job_id: str, organization_id: OrganizationId, hub: HubDep
) -> JSONResponse:
    """One of the service execution's jobs."""
    job = hub.quantum.jobs.execution_job(organization_id, service_execution_id, job_id)
    return JSONResponse(job_json(job))


@router.get(SCOPED + "/status")
async def get_service_execution_job_status(
    service_execution_id: str, job_id: str, organization_id: OrganizationId, hub: HubDep
) -> JSONResponse:
    """The status of one of the service execution's jobs."""
    job = hub.quantum.jobs.execution_job(organization_id, service_execution_id, job_id)
    return JSONResponse({"status": job.status})


@router.get(SCOPED + "/input")
async def get_service_execution_job_input(
    service_execution_id: str, job_id: str, organization_id: OrganizationId, hub: HubDep
) -> JSONResponse:
    """The input of one of the service execution's jobs."""
    return JSONResponse(hub.quantum.jobs.input(organization_id, job_id, service_execution_id))


@router.get(SCOPED + "/result/normalized")
async def get_service_execution_normalized_job_result(
    service_execution_id: str, job_id: str, organization_id: OrganizationId, hub: HubDep
) -> JSONResponse:
    """The result of one of the service execution's jobs, as one pub."""
    jobs = hub.quantum.jobs
    jobs.execution_job(organization_id, service_execution_id, job_id)
    job = jobs.get(organization_id, job_id)
    return JSONResponse(normalized_result_json(job, jobs.result(organization_id, job_id)))


@router.get(SCOPED + "/input/normalized")
def get_service_execution_normalized_job_input(
    service_execution_id: str, job_id: str, organization_id: OrganizationId, hub: HubDep
) -> JSONResponse:
    """The input of one of the service execution's jobs, as OpenQASM (waits for the parser)."""
    jobs = hub.quantum.jobs
    jobs.execution_job(organization_id, service_execution_id, job_id)
    return JSONResponse(normalized_input_json(jobs.normalized_input(organization_id, job_id)))


@router.get(SCOPED + "/result-stream")
async def get_service_execution_job_result_stream(
    service_execution_id: str, job_id: str, organization_id: OrganizationId, hub: HubDep
) -> Response:
    """The result of one of the service execution's jobs, as a stream."""
    jobs = hub.quantum.jobs
    jobs.execution_job(organization_id, service_execution_id, job_id)
    return _stream(jobs.result(organization_id, job_id))


@router.get(SCOPED + "/calibration")
async def get_service_execution_job_calibration(
    service_execution_id: str, job_id: str, organization_id: OrganizationId, hub: HubDep
) -> Response:
    """The calibration one of the service execution's jobs ran with."""
    job = hub.quantum.jobs.execution_job(organization_id, service_execution_id, job_id)
    return calibration_response(hub.quantum.calibrations.of_job(job))


@router.delete(SCOPED, status_code=204)
async def cancel_service_execution_job(
    service_execution_id: str, job_id: str, organization_id: OrganizationId, hub: HubDep
) -> Response:
    """Cancel one of the service execution's jobs."""
    jobs = hub.quantum.jobs
    jobs.execution_job(organization_id, service_execution_id, job_id)
    jobs.cancel(organization_id, job_id)
    return Response(status_code=204)
