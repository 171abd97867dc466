"""The Quantum API on local simulators (``/quantum``).

Jobs run for real on Qiskit Aer. Backends are recalibrated (as ideal devices) every UTC day;
per-shot memory is kept when a job's ``input_params`` has ``memory: true``. Tests can pin how
a job's end becomes visible with ``hub.quantum.lifecycle`` (see ``JobLifecycle``).
"""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response

from ..domain import Hub
from ..domain.backends import BACKENDS
from .bodies import read_json_object

__all__ = ["quantum_router"]


def _calibration(snapshot: dict[str, Any] | None) -> Response:
    """A calibration snapshot, or 204 when there is none (the client reads that as None)."""
    return Response(status_code=204) if snapshot is None else JSONResponse(snapshot)


def quantum_router(hub: Hub) -> APIRouter:
    """Quantum routes, bound to ``hub``."""
    router = APIRouter(prefix="/quantum")

    async def organization(
        x_auth_token: Annotated[str | None, Header()] = None,
        x_organizationid: Annotated[str | None, Header()] = None,
    ) -> str:
        return hub.organizations.for_api_key(x_auth_token, x_organizationid)

    OrgDep = Annotated[str, Depends(organization)]

    @router.get("/backends")
    async def get_backends(
        x_auth_token: Annotated[str | None, Header()] = None,
        x_organizationid: Annotated[str | None, Header()] = None,
        provider: str | None = None,
    ) -> JSONResponse:
        reduced = x_auth_token is None
        if not reduced:
            hub.organizations.for_api_key(x_auth_token, x_organizationid)
        wanted = provider.upper().replace("-", "_") if provider else None
        specs = [s for s in BACKENDS.values() if wanted is None or s.provider == wanted]
        if reduced:
            return JSONResponse([s.wire(reduced=True) for s in specs])
        return JSONResponse([hub.quantum.backend_view(s.id) for s in specs])

    @router.get("/backends/least-busy")
    async def get_least_busy_backend(
        _: OrgDep, provider: str | None = None, minQubits: int | None = None
    ) -> JSONResponse:
        return JSONResponse(
            hub.quantum.backend_view(hub.quantum.least_busy(provider, minQubits).id)
        )

    @router.get("/backends/{backend_id}")
    async def get_backend(backend_id: str, _: OrgDep) -> JSONResponse:
        return JSONResponse(hub.quantum.backend_view(backend_id))

    @router.get("/backends/{backend_id}/status")
    async def get_backend_status(backend_id: str, _: OrgDep) -> JSONResponse:
        queue = hub.quantum.queue_size(hub.quantum.backend(backend_id).id)
        return JSONResponse({"status": "ONLINE", "queue_avg_time": 0, "queue_size": queue})

    @router.get("/backends/{backend_id}/calibration")
    async def get_backend_calibration(
        backend_id: str, _: OrgDep, effectiveAt: str | None = None
    ) -> Response:
        return _calibration(hub.quantum.calibration(backend_id, effectiveAt))

    @router.get("/backends/{backend_id}/calibration-history")
    async def get_backend_calibration_history(
        backend_id: str,
        _: OrgDep,
        start: Annotated[str | None, Query(alias="from")] = None,
        to: str | None = None,
        page: int = 0,
        size: int = 20,
        sort: Annotated[list[str] | None, Query()] = None,
    ) -> JSONResponse:
        return JSONResponse(
            hub.quantum.calibration_history(backend_id, start, to, page, size, sort or [])
        )

    @router.get("/backends/{backend_id}/config")
    async def get_backend_config(backend_id: str, _: OrgDep) -> JSONResponse:
        return JSONResponse(hub.quantum.backend(backend_id).configuration())

    @router.post("/jobs")
    def create_job(
        body: Annotated[dict[str, Any], Body()],
        organization_id: OrgDep,
        x_auth_token: Annotated[str | None, Header()] = None,
    ) -> JSONResponse:
        # A plain def: FastAPI runs it on a worker thread, since validation waits for Qiskit.
        execution = hub.organizations.service_execution_of(x_auth_token)
        return JSONResponse(
            hub.quantum.create(organization_id, body, execution).wire(), status_code=201
        )

    @router.post("/sessions")
    async def create_session(
        request: Request,
        organization_id: OrgDep,
        x_auth_token: Annotated[str | None, Header()] = None,
    ) -> JSONResponse:
        body = await read_json_object(request)
        execution = hub.organizations.service_execution_of(x_auth_token)
        session = hub.quantum.create_session(organization_id, body, execution)
        return JSONResponse(session.wire(), status_code=201)

    @router.get("/sessions/{session_id}")
    async def get_session(session_id: str, organization_id: OrgDep) -> JSONResponse:
        return JSONResponse(hub.quantum.session(organization_id, session_id).wire())

    @router.get("/sessions/{session_id}/status")
    async def get_session_status(session_id: str, organization_id: OrgDep) -> JSONResponse:
        return JSONResponse({"status": hub.quantum.session(organization_id, session_id).status})

    @router.get("/sessions/{session_id}/jobs")
    async def get_session_jobs(session_id: str, organization_id: OrgDep) -> JSONResponse:
        session = hub.quantum.session(organization_id, session_id)
        return JSONResponse([job.wire() for job in hub.quantum.session_jobs_of(session)])

    @router.patch("/sessions/{session_id}")
    async def update_session_state(
        session_id: str, request: Request, organization_id: OrgDep
    ) -> JSONResponse:
        body = await read_json_object(request)
        session = hub.quantum.update_session_state(
            organization_id, session_id, body.get("accept_jobs")
        )
        return JSONResponse(session.wire())

    @router.delete("/sessions/{session_id}", status_code=204)
    async def close_session(session_id: str, organization_id: OrgDep) -> Response:
        hub.quantum.close_session(organization_id, session_id)
        return Response(status_code=204)

    @router.get("/jobs")
    async def search_jobs(
        organization_id: OrgDep,
        page: int = 0,
        size: int = 20,
        serviceExecutionId: str | None = None,
        sort: Annotated[list[str] | None, Query()] = None,
    ) -> JSONResponse:
        return JSONResponse(
            hub.quantum.search(organization_id, page, size, serviceExecutionId, sort or [])
        )

    @router.get("/runtime-minutes")
    async def get_runtime_minutes(_: OrgDep) -> JSONResponse:
        # Local simulators are free and unlimited: one allowance per provider, never used up.
        providers = sorted({spec.provider for spec in BACKENDS.values()})
        allowances = [
            {
                "id": f"local-{provider.lower()}",
                "provider": provider,
                "backend_ids": sorted(s.id for s in BACKENDS.values() if s.provider == provider),
                "allocated_seconds": None,
                "consumed_seconds": 0,
                "remaining_seconds": None,
                "limit_reached": False,
            }
            for provider in providers
        ]
        return JSONResponse({"allowances": allowances})

    @router.get("/workloads")
    async def get_workloads(
        organization_id: OrgDep,
        page: int = 0,
        size: int = 20,
        type: Annotated[list[str] | None, Query()] = None,
        status: Annotated[list[str] | None, Query()] = None,
        provider: Annotated[list[str] | None, Query()] = None,
        backendId: Annotated[list[str] | None, Query()] = None,
        tag: Annotated[list[str] | None, Query()] = None,
        origin: Annotated[list[str] | None, Query()] = None,
        serviceExecutionId: Annotated[list[str] | None, Query()] = None,
        sort: Annotated[list[str] | None, Query()] = None,
    ) -> JSONResponse:
        filters = {
            "type": type or [],
            "status": status or [],
            "provider": provider or [],
            "backendId": backendId or [],
            "tag": tag or [],
            "origin": origin or [],
            "serviceExecutionId": serviceExecutionId or [],
        }
        return JSONResponse(hub.quantum.workloads(organization_id, filters, page, size, sort))

    in_execution = "/service-executions/{service_execution_id}/sessions/{session_id}"

    @router.get(in_execution)
    async def get_service_execution_session(
        service_execution_id: str, session_id: str, organization_id: OrgDep
    ) -> JSONResponse:
        return JSONResponse(
            hub.quantum.execution_session(organization_id, service_execution_id, session_id).wire()
        )

    @router.get(in_execution + "/status")
    async def get_service_execution_session_status(
        service_execution_id: str, session_id: str, organization_id: OrgDep
    ) -> JSONResponse:
        session = hub.quantum.execution_session(organization_id, service_execution_id, session_id)
        return JSONResponse({"status": session.status})

    @router.get(in_execution + "/jobs")
    async def get_service_execution_session_jobs(
        service_execution_id: str, session_id: str, organization_id: OrgDep
    ) -> JSONResponse:
        session = hub.quantum.execution_session(organization_id, service_execution_id, session_id)
        return JSONResponse([job.wire() for job in hub.quantum.session_jobs_of(session)])

    @router.patch(in_execution)
    async def update_service_execution_session_state(
        service_execution_id: str, session_id: str, request: Request, organization_id: OrgDep
    ) -> JSONResponse:
        body = await read_json_object(request)
        hub.quantum.execution_session(organization_id, service_execution_id, session_id)
        session = hub.quantum.update_session_state(
            organization_id, session_id, body.get("accept_jobs")
        )
        return JSONResponse(session.wire())

    @router.delete(in_execution, status_code=204)
    async def close_service_execution_session(
        service_execution_id: str, session_id: str, organization_id: OrgDep
    ) -> Response:
        hub.quantum.execution_session(organization_id, service_execution_id, session_id)
        hub.quantum.close_session(organization_id, session_id)
        return Response(status_code=204)

    @router.get("/service-executions/{service_execution_id}/workloads")
    async def get_service_execution_workloads(
        service_execution_id: str,
        organization_id: OrgDep,
        page: int = 0,
        size: int = 20,
        sort: Annotated[list[str] | None, Query()] = None,
    ) -> JSONResponse:
        filters = {"serviceExecutionId": [service_execution_id]}
        return JSONResponse(hub.quantum.workloads(organization_id, filters, page, size, sort))

    scoped = "/service-executions/{service_execution_id}/jobs/{job_id}"

    @router.get(scoped)
    async def get_service_execution_job(
        service_execution_id: str, job_id: str, organization_id: OrgDep
    ) -> JSONResponse:
        return JSONResponse(
            hub.quantum.execution_job(organization_id, service_execution_id, job_id).wire()
        )

    @router.get(scoped + "/status")
    async def get_service_execution_job_status(
        service_execution_id: str, job_id: str, organization_id: OrgDep
    ) -> JSONResponse:
        job = hub.quantum.execution_job(organization_id, service_execution_id, job_id)
        return JSONResponse({"status": job.status})

    @router.get(scoped + "/input")
    async def get_service_execution_job_input(
        service_execution_id: str, job_id: str, organization_id: OrgDep
    ) -> JSONResponse:
        return JSONResponse(
            hub.quantum.execution_job(organization_id, service_execution_id, job_id).input
        )

    @router.get(scoped + "/result/normalized")
    async def get_service_execution_normalized_job_result(
        service_execution_id: str, job_id: str, organization_id: OrgDep
    ) -> JSONResponse:
        hub.quantum.execution_job(organization_id, service_execution_id, job_id)
        return JSONResponse(hub.quantum.normalized_result(organization_id, job_id))

    @router.get(scoped + "/input/normalized")
    def get_service_execution_normalized_job_input(
        service_execution_id: str, job_id: str, organization_id: OrgDep
    ) -> JSONResponse:
        hub.quantum.execution_job(organization_id, service_execution_id, job_id)
        return JSONResponse(hub.quantum.normalized_input(organization_id, job_id))

    @router.get(scoped + "/result-stream")
    async def get_service_execution_job_result_stream(
        service_execution_id: str, job_id: str, organization_id: OrgDep
    ) -> Response:
        hub.quantum.execution_job(organization_id, service_execution_id, job_id)
        body = json.dumps(hub.quantum.result(organization_id, job_id)).encode()
        return Response(body, media_type="application/octet-stream")

    @router.get(scoped + "/calibration")
    async def get_service_execution_job_calibration(
        service_execution_id: str, job_id: str, organization_id: OrgDep
    ) -> Response:
        job = hub.quantum.execution_job(organization_id, service_execution_id, job_id)
        return _calibration(hub.quantum.job_calibration(job))

    @router.get("/jobs/{job_id}/calibration")
    async def get_job_calibration(job_id: str, organization_id: OrgDep) -> Response:
        return _calibration(hub.quantum.job_calibration(hub.quantum.get(organization_id, job_id)))

    @router.delete(scoped, status_code=204)
    async def cancel_service_execution_job(
        service_execution_id: str, job_id: str, organization_id: OrgDep
    ) -> Response:
        hub.quantum.execution_job(organization_id, service_execution_id, job_id)
        hub.quantum.cancel(organization_id, job_id)
        return Response(status_code=204)

    @router.get("/jobs/{job_id}")
    async def get_job(job_id: str, organization_id: OrgDep) -> JSONResponse:
        return JSONResponse(hub.quantum.get(organization_id, job_id).wire())

    @router.get("/jobs/{job_id}/status")
    async def get_job_status(job_id: str, organization_id: OrgDep) -> JSONResponse:
        return JSONResponse({"status": hub.quantum.get(organization_id, job_id).status})

    @router.get("/jobs/{job_id}/result")
    async def get_job_result(job_id: str, organization_id: OrgDep) -> JSONResponse:
        return JSONResponse(hub.quantum.result(organization_id, job_id))

    @router.get("/jobs/{job_id}/result/normalized")
    async def get_normalized_job_result(job_id: str, organization_id: OrgDep) -> JSONResponse:
        return JSONResponse(hub.quantum.normalized_result(organization_id, job_id))

    @router.get("/jobs/{job_id}/result/normalized/memory")
    async def get_normalized_job_memory(job_id: str, organization_id: OrgDep) -> Response:
        memory = hub.quantum.normalized_memory(organization_id, job_id)
        return Response(status_code=204) if memory is None else JSONResponse(memory)

    @router.get("/jobs/{job_id}/input/normalized")
    def get_normalized_job_input(job_id: str, organization_id: OrgDep) -> JSONResponse:
        # A plain def: it waits for the parser process.
        return JSONResponse(hub.quantum.normalized_input(organization_id, job_id))

    @router.get("/jobs/{job_id}/result-stream")
    async def get_job_result_stream(job_id: str, organization_id: OrgDep) -> Response:
        body = json.dumps(hub.quantum.result(organization_id, job_id)).encode()
        return Response(body, media_type="application/octet-stream")

    @router.get("/jobs/{job_id}/input")
    async def get_job_input(job_id: str, organization_id: OrgDep) -> JSONResponse:
        return JSONResponse(hub.quantum.get(organization_id, job_id).input)

    @router.delete("/jobs/{job_id}", status_code=204)
    async def cancel_job(job_id: str, organization_id: OrgDep) -> Response:
        hub.quantum.cancel(organization_id, job_id)
        return Response(status_code=204)

    return router
