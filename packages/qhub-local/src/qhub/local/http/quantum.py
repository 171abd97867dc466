"""The Quantum API slice for jobs on local simulators (``/quantum``).

Not emulated yet: sessions, workloads, calibration, runtime minutes, normalized results,
the service-execution-scoped routes, and lifecycles driven by tests. Jobs run for real on
Qiskit Aer.
"""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse, Response

from ..domain import BadRequest, Hub
from ..domain.quantum import BACKENDS

__all__ = ["quantum_router"]


def quantum_router(hub: Hub) -> APIRouter:
    """Quantum routes, bound to ``hub``."""
    router = APIRouter(prefix="/quantum")

    async def organization(
        x_auth_token: Annotated[str | None, Header()] = None,
        x_organizationid: Annotated[str | None, Header()] = None,
    ) -> str:
        return hub.organization_for_api_key(x_auth_token, x_organizationid)

    OrgDep = Annotated[str, Depends(organization)]

    @router.get("/backends")
    async def get_backends(
        x_auth_token: Annotated[str | None, Header()] = None,
        x_organizationid: Annotated[str | None, Header()] = None,
        provider: str | None = None,
    ) -> JSONResponse:
        reduced = x_auth_token is None
        if not reduced:
            hub.organization_for_api_key(x_auth_token, x_organizationid)
        specs = [s for s in BACKENDS.values() if provider is None or s.provider == provider.upper()]
        return JSONResponse([s.wire(reduced=reduced) for s in specs])

    @router.get("/backends/{backend_id}")
    async def get_backend(backend_id: str, _: OrgDep) -> JSONResponse:
        return JSONResponse(hub.quantum.backend(backend_id).wire())

    @router.get("/backends/{backend_id}/status")
    async def get_backend_status(backend_id: str, _: OrgDep) -> JSONResponse:
        hub.quantum.backend(backend_id)
        return JSONResponse({"status": "ONLINE", "queue_avg_time": 0, "queue_size": 0})

    @router.get("/backends/{backend_id}/config")
    async def get_backend_config(backend_id: str, _: OrgDep) -> JSONResponse:
        return JSONResponse(hub.quantum.backend(backend_id).configuration())

    @router.post("/jobs")
    async def create_job(request: Request, organization_id: OrgDep) -> JSONResponse:
        try:
            body: Any = json.loads(await request.body())
        except ValueError as exc:
            raise BadRequest(f"the body is not valid JSON: {exc}") from None
        if not isinstance(body, dict):
            raise BadRequest("the body must be a JSON object")
        return JSONResponse(hub.quantum.create(organization_id, body).wire(), status_code=201)

    @router.get("/jobs")
    async def search_jobs(organization_id: OrgDep, page: int = 0, size: int = 20) -> JSONResponse:
        return JSONResponse(hub.quantum.search(organization_id, page, size))

    @router.get("/jobs/{job_id}")
    async def get_job(job_id: str, organization_id: OrgDep) -> JSONResponse:
        return JSONResponse(hub.quantum.get(organization_id, job_id).wire())

    @router.get("/jobs/{job_id}/status")
    async def get_job_status(job_id: str, organization_id: OrgDep) -> JSONResponse:
        return JSONResponse({"status": hub.quantum.get(organization_id, job_id).status})

    @router.get("/jobs/{job_id}/result")
    async def get_job_result(job_id: str, organization_id: OrgDep) -> JSONResponse:
        return JSONResponse(hub.quantum.result(organization_id, job_id))

    @router.get("/jobs/{job_id}/input")
    async def get_job_input(job_id: str, organization_id: OrgDep) -> JSONResponse:
        return JSONResponse(hub.quantum.get(organization_id, job_id).input)

    @router.delete("/jobs/{job_id}", status_code=204)
    async def cancel_job(job_id: str, organization_id: OrgDep) -> Response:
        hub.quantum.cancel(organization_id, job_id)
        return Response(status_code=204)

    return router
