"""Listings of the Quantum API: jobs, and workloads (jobs and sessions side by side)."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from ...domain.quantum import WorkloadFilters
from ..deps import HubDep, OrganizationId, Paging
from .shapes import job_json, page_json, workload_json

__all__ = ["router"]

router = APIRouter()

#: A repeatable query parameter (``?status=A&status=B``).
Values = Annotated[list[str] | None, Query()]


@router.get("/jobs")
async def search_jobs(
    organization_id: OrganizationId,
    hub: HubDep,
    paging: Paging,
    serviceExecutionId: str | None = None,
) -> JSONResponse:
    """A page of the caller's jobs, newest first unless sorted otherwise."""
    page = hub.quantum.listings.jobs(organization_id, paging, serviceExecutionId)
    return JSONResponse(page_json(page, job_json))


@router.get("/workloads")
async def get_workloads(
    organization_id: OrganizationId,
    hub: HubDep,
    paging: Paging,
    type: Values = None,
    status: Values = None,
    provider: Values = None,
    backendId: Values = None,
    tag: Values = None,
    origin: Values = None,
    serviceExecutionId: Values = None,
) -> JSONResponse:
    """A page of the caller's jobs and sessions matching every filter given."""
    filters = WorkloadFilters(
        type=tuple(type or ()),
        status=tuple(status or ()),
        provider=tuple(provider or ()),
        backend_id=tuple(backendId or ()),
        tag=tuple(tag or ()),
        origin=tuple(origin or ()),
        service_execution_id=tuple(serviceExecutionId or ()),
    )
    page = hub.quantum.listings.workloads(organization_id, filters, paging)
    return JSONResponse(page_json(page, workload_json))


@router.get("/service-executions/{service_execution_id}/workloads")
async def get_service_execution_workloads(
    service_execution_id: str, organization_id: OrganizationId, hub: HubDep, paging: Paging
) -> JSONResponse:
    """A page of one service execution's jobs and sessions."""
    filters = WorkloadFilters(service_execution_id=(service_execution_id,))
    page = hub.quantum.listings.workloads(organization_id, filters, paging)
    return JSONResponse(page_json(page, workload_json))
