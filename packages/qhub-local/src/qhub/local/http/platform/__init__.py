"""The Platform API (``/qc-catalog``): organizations with their members, images and provider
tokens, the signed-in user's provider tokens, applications with their access keys and
subscriptions, the service catalog and managed services built from uploaded sources, service
execution records, data pools and grants. Each request acts for the caller's organization
(``X-OrganizationId`` or the token's own); another organization's resources answer 404.

Every other operation of ``spec/platform.json`` (algorithms, implementations, use cases,
marketplace, billing, entitlements, service jobs, external/workflow services,
notifications, …) is served by ``generic``: resources stored as the spec describes them.
Not emulated: the parts each module names.
"""

from fastapi import APIRouter

from . import (
    applications,
    datapool_files,
    datapool_shares,
    datapools,
    executions,
    generic,
    managed_services,
    organization_images,
    organizations,
    provider_tokens,
    services,
)

__all__ = ["HAND_WRITTEN", "PREFIX", "router"]

#: Where the router is included (by the app: see ``qhub.local.http.app``).
PREFIX = "/qc-catalog"

#: The routers written by hand; the generic one serves every other operation.
HAND_WRITTEN = tuple(
    m.router
    for m in (
        organizations,
        organization_images,
        provider_tokens,
        applications,
        services,
        managed_services,
        executions,
        datapools,
        datapool_files,
        datapool_shares,
    )
)

router = APIRouter()
for _router in HAND_WRITTEN:
    router.include_router(_router)
router.include_router(generic.router_besides(HAND_WRITTEN))  # last: they win
