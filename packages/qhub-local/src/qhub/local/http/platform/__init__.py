"""The Platform API (``/qc-catalog``): organizations and members, applications with their
access keys and subscriptions, the service catalog, service execution records, data pools
and grants. Each request acts for the caller's organization (``X-OrganizationId`` or the
token's own); another organization's resources answer 404.

Not emulated: algorithms, implementations, use cases, marketplace, billing, entitlements,
service jobs, managed/external/workflow service management, notifications, and the parts
each module names.
"""

from __future__ import annotations

from fastapi import APIRouter

from . import applications, datapools, executions, organizations, services

__all__ = ["router"]

router = APIRouter(prefix="/qc-catalog")
for _module in (organizations, applications, services, executions, datapools):
    router.include_router(_module.router)
