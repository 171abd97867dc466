"""Backends of the Quantum API: the catalog, queues, configurations, calibrations, and the
runtime-minute allowances."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from ..deps import HubDep, OptionalOrganizationId, OrganizationId, Paging
from .inputs import instant
from .shapes import (
    backend_json,
    calibration_json,
    calibration_response,
    configuration_json,
    page_json,
)

__all__ = ["router"]

router = APIRouter()


@router.get("/backends")
async def get_backends(
    organization_id: OptionalOrganizationId, hub: HubDep, provider: str | None = None
) -> JSONResponse:
    """Every backend (or a provider's); without a token, the reduced public view."""
    specs = hub.quantum.backends.of_provider(provider)
    if organization_id is None:
        return JSONResponse([backend_json(spec, reduced=True) for spec in specs])
    queue_size = hub.quantum.backends.queue_size
    return JSONResponse([backend_json(spec, queue_size=queue_size(spec.id)) for spec in specs])


@router.get("/backends/least-busy")
async def get_least_busy_backend(
    _: OrganizationId, hub: HubDep, provider: str | None = None, minQubits: int | None = None
) -> JSONResponse:
    """The provider's backend with the shortest queue (IBM only, as on the Hub)."""
    backends = hub.quantum.backends
    spec = backends.least_busy(provider, minQubits)
    return JSONResponse(backend_json(spec, queue_size=backends.queue_size(spec.id)))


@router.get("/backends/{backend_id}")
async def get_backend(backend_id: str, _: OrganizationId, hub: HubDep) -> JSONResponse:
    """One backend, with its live queue size."""
    backends = hub.quantum.backends
    spec = backends.get(backend_id)
    return JSONResponse(backend_json(spec, queue_size=backends.queue_size(spec.id)))


@router.get("/backends/{backend_id}/status")
async def get_backend_status(backend_id: str, _: OrganizationId, hub: HubDep) -> JSONResponse:
    """Whether the backend is online (always) and its queue."""
    backends = hub.quantum.backends
    queue = backends.queue_size(backends.get(backend_id).id)
    return JSONResponse({"status": "ONLINE", "queue_avg_time": 0, "queue_size": queue})


@router.get("/backends/{backend_id}/calibration")
async def get_backend_calibration(
    backend_id: str, _: OrganizationId, hub: HubDep, effectiveAt: str | None = None
) -> Response:
    """The calibration in effect at ``effectiveAt`` (default now); 204 before the first."""
    moment = instant(effectiveAt, "effectiveAt")
    return calibration_response(hub.quantum.calibrations.effective_at(backend_id, moment))


@router.get("/backends/{backend_id}/calibration-history")
async def get_backend_calibration_history(
    backend_id: str,
    _: OrganizationId,
    hub: HubDep,
    paging: Paging,
    start: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
) -> JSONResponse:
    """The calibrations made between ``from`` and ``to``, newest first, one page."""
    hub.quantum.backends.get(backend_id)  # an unknown backend is reported before the period
    period = instant(start, "from"), instant(to, "to")
    page = hub.quantum.calibrations.history(backend_id, *period, paging)
    return JSONResponse(page_json(page, calibration_json))


@router.get("/backends/{backend_id}/config")
async def get_backend_config(backend_id: str, _: OrganizationId, hub: HubDep) -> JSONResponse:
    """The backend's configuration."""
    return JSONResponse(configuration_json(hub.quantum.backends.get(backend_id)))


@router.get("/runtime-minutes")
async def get_runtime_minutes(_: OrganizationId, hub: HubDep) -> JSONResponse:
    """One allowance per provider: local simulators are free and never used up."""
    backends = hub.quantum.backends
    allowances = [
        {
            "id": f"local-{provider.lower()}",
            "provider": provider,
            "backend_ids": sorted(spec.id for spec in backends.of_provider(provider)),
            "allocated_seconds": None,
            "consumed_seconds": 0,
            "remaining_seconds": None,
            "limit_reached": False,
        }
        for provider in backends.providers()
    ]
    return JSONResponse({"allowances": allowances})
