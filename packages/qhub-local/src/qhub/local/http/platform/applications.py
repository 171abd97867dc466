"""The Platform API's applications, their access keys and subscriptions.

An application's access key works at the token endpoint as soon as the application exists
and stops working when it is deleted; the gateway refuses (403) an application that is not
subscribed to the service it calls.

Not emulated: pricing plans other than free, access keys of other types, rotating a key.
"""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ..bodies import read_model
from ..deps import HubDep
from .caller import PlatformCaller, hub_base_url
from .shapes import access_key_json, application_json, execution_json, subscription_json

__all__ = ["router"]

router = APIRouter()


class ApplicationBody(BaseModel):
    """Body of ``POST /applications``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)


class SubscriptionBody(BaseModel):
    """Body of ``POST /subscriptions``."""

    model_config = ConfigDict(extra="forbid")

    service_id: str = Field(alias="serviceId", min_length=1)
    application_id: str = Field(alias="applicationId", min_length=1)


# -- applications --------------------------------------------------------------------------


@router.get("/applications")
async def get_applications(caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """The organization's applications, oldest first."""
    apps = hub.applications.of(caller)
    return JSONResponse([application_json(app, caller.role) for app in apps])


@router.post("/applications")
async def create_application(request: Request, caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """A new application (409 when the organization has one of that name); its access key
    is at ``/applications/{id}/access-keys``."""
    body = await read_model(request, ApplicationBody)
    app, _ = hub.applications.create(caller, body.name)
    return JSONResponse(application_json(app, caller.role))


@router.get("/applications/{id}")
async def get_application(id: str, caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """One application of the organization (404 for another organization's)."""
    return JSONResponse(application_json(hub.applications.get(caller, id), caller.role))


@router.delete("/applications/{id}", status_code=204)
async def delete_application(id: str, caller: PlatformCaller, hub: HubDep) -> Response:
    """Delete an application with its subscriptions; its keys and tokens stop working."""
    hub.applications.delete(caller, id)
    return Response(status_code=204)


@router.get("/applications/{id}/access-keys")
async def get_application_access_keys(id: str, caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """The application's access key: the id and secret for the gateway's token endpoint."""
    return JSONResponse([access_key_json(k) for k in hub.applications.access_keys(caller, id)])


@router.get("/applications/{id}/subscriptions")
async def get_application_subscriptions(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """The services the application is subscribed to."""
    views = hub.subscriptions.of_application(caller, id)
    base = hub_base_url(request)
    return JSONResponse([subscription_json(v, caller.role, base) for v in views])


# -- subscriptions -------------------------------------------------------------------------


@router.post("/subscriptions")
async def create_subscription(
    request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """Subscribe an application to a service (409 when it is already subscribed)."""
    body = await read_model(request, SubscriptionBody)
    view = hub.subscriptions.subscribe(caller, body.service_id, body.application_id)
    return JSONResponse(subscription_json(view, caller.role, hub_base_url(request)))


@router.get("/subscriptions/{id}")
async def get_subscription(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """One subscription of the organization."""
    view = hub.subscriptions.get(caller, id)
    return JSONResponse(subscription_json(view, caller.role, hub_base_url(request)))


@router.delete("/subscriptions/{id}", status_code=204)
async def delete_subscription(id: str, caller: PlatformCaller, hub: HubDep) -> Response:
    """Delete a subscription: the application's next call to the service's gateway is 403."""
    hub.subscriptions.delete(caller, id)
    return Response(status_code=204)


@router.get("/subscriptions/{id}/service-executions")
async def get_service_executions_by_subscription(
    id: str, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """The executions of the subscription's application and service, newest first."""
    executions = hub.execution_history.of_subscription(caller, id)
    return JSONResponse([execution_json(e) for e in executions])
