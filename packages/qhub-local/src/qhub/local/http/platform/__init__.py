"""The Platform API (``/qc-catalog``): organizations and members, applications with their
access keys and subscriptions, the service catalog, service execution records, data pools
and grants. Each request acts for the caller's organization (``X-OrganizationId`` or the
token's own); another organization's resources answer 404.

Every other operation of ``spec/platform.json`` (algorithms, implementations, use cases,
marketplace, billing, entitlements, service jobs, managed/external/workflow services,
notifications, …) is served by ``generic``: resources stored as the spec describes them.
Not emulated: the parts each module names.
"""

from __future__ import annotations

from fastapi import APIRouter

from . import applications, datapools, executions, generic, organizations, services

__all__ = ["router"]

router = APIRouter(prefix="/qc-catalog")
_HAND_WRITTEN = (organizations, applications, services, executions, datapools)
for _module in _HAND_WRITTEN:
    router.include_router(_module.router)
router.include_router(generic.router_besides(m.router for m in _HAND_WRITTEN))  # last: they win
