"""The Platform API's managed services: create one, upload its source (a zipped service
workspace, ``multipart/form-data``), build it, follow the build's status and log; once built
it is in the catalog (``/services``) with a gateway URL that runs executions.

An upload over the Hub's limit (``hub.managed_services.max_source_bytes``) is answered 413
with nothing stored; an archive with an escaping or absolute path, a link, an encrypted
entry, or too many entries or bytes once unpacked is 422 naming the entry, with nothing
stored; a body without its ``file`` part is 400; a JSON body of another content type 415.

Not emulated: sources other than a zip (a registry image or a repository is 422), resource
and runtime configurations and pricing plans (kept and shown as sent, not enforced).
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ...domain import DomainError, Unprocessable
from ...domain.catalog import SourceUpload
from ..bodies import read_json_object, read_model
from ..deps import HubDep
from .caller import PlatformCaller, hub_base_url
from .file_parts import drain, open_multipart, receive_file
from .managed_shapes import build_json, build_log_json
from .shapes import pricing_plan_json, service_json

__all__ = ["router"]

router = APIRouter()


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CpuConfiguration(_Body):
    """A ``ServiceResourceConfigurationCpu``."""

    type: Literal["cpu"]
    amount: int
    unit: Literal["m"]


class GpuConfiguration(_Body):
    """A ``ServiceResourceConfigurationGpu``."""

    type: Literal["gpu"]
    amount: int
    accelerator: Literal["NVIDIA_TESLA_T4", "NVIDIA_TESLA_V100", "NONE"]


class MemoryConfiguration(_Body):
    """A ``ServiceResourceConfigurationMemory``."""

    type: Literal["memory"]
    amount: int
    unit: Literal["M"]


ResourceConfiguration = Annotated[
    CpuConfiguration | GpuConfiguration | MemoryConfiguration, Field(discriminator="type")
]


class RuntimeConfiguration(_Body):
    """A ``ServiceRuntimeConfiguration`` (the body of ``PUT …/runtime-configuration``)."""

    runtime: Literal["DOCKER", "PYTHON_TEMPLATE"]
    environment: dict[str, str] | None = None
    apply_provider_tokens: bool | None = Field(None, alias="applyProviderTokens")


class CreateBody(_Body):
    """Body of ``POST /managed-services``."""

    name: str
    source: dict[str, Any]
    summary: str | None = None
    description: str | None = None
    runtime_configuration: RuntimeConfiguration | None = Field(None, alias="runtimeConfiguration")
    resource_configurations: list[ResourceConfiguration] | None = Field(
        None, alias="resourceConfigurations"
    )


#: Body of ``PUT …/resource-configuration``: one configuration (replacing its kind's).
RESOURCE_BODY: TypeAdapter[CpuConfiguration | GpuConfiguration | MemoryConfiguration] = TypeAdapter(
    ResourceConfiguration
)


class PricingPlanBody(_Body):
    """Body of ``PUT …/pricing-plan``."""

    type: Literal["FREE", "COMMERCIAL", "CONTACT"]
    profit_percentage: float | None = Field(None, alias="profitPercentage")


def _wire(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(by_alias=True, exclude_none=True)


@router.post("/managed-services")
async def create_managed_service(
    request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """A new managed service of the organization, ``CREATED`` until its first build
    succeeds (409 for a taken name; 422 naming the field)."""
    body = await read_model(request, CreateBody, json_media_type_only=True)
    configuration: dict[str, Any] = {}
    if body.runtime_configuration is not None:
        configuration["runtimeConfiguration"] = _wire(body.runtime_configuration)
    if body.resource_configurations is not None:
        configuration["resourceConfigurations"] = [_wire(c) for c in body.resource_configurations]
    entry = hub.managed_services.create(
        caller,
        body.name,
        body.source,
        summary=body.summary,
        description=body.description,
        configuration=configuration,
    )
    return JSONResponse(service_json(entry, caller.role, hub_base_url(request)))


@router.put("/managed-services/{id}/source/file", status_code=204)
async def upload_managed_service_source(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Upload the service's source: a zipped workspace, checked, then stored for its next
    build (the live build keeps serving until one of it succeeds)."""
    try:
        hub.managed_services.get(caller, id)
    except DomainError:
        await drain(request)
        raise
    parser = await open_multipart(request, hub.managed_services.max_source_bytes)
    upload: SourceUpload | None = None
    try:
        upload = hub.managed_services.upload(caller, id)
        await receive_file(request, parser, lambda name, kind: None, upload.write)
        await run_in_threadpool(upload.commit)  # reads the archive through: off the loop
    except BaseException:
        if upload is not None:
            upload.abort()
        raise
    return Response(status_code=204)


@router.put("/managed-services/{id}/source", status_code=204)
async def update_managed_service_source(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Set the kind of source the service takes (only ``file``: then upload it)."""
    body = await read_json_object(request, malformed=Unprocessable, json_media_type_only=True)
    hub.managed_services.set_source(caller, id, body)
    return Response(status_code=204)


@router.get("/managed-services/{id}/source")
async def download_managed_service_source(
    id: str, caller: PlatformCaller, hub: HubDep
) -> FileResponse:
    """The uploaded source archive, as stored (404 before an upload)."""
    path = hub.managed_services.source(caller, id)
    return FileResponse(path, media_type="application/octet-stream", filename=f"{id}.zip")


@router.put("/managed-services/{id}/build", status_code=202)
async def build_managed_service(id: str, caller: PlatformCaller, hub: HubDep) -> Response:
    """Start a build of the uploaded source (409 without one, or while one runs); follow it
    with ``build-status`` and ``build-logs``."""
    await run_in_threadpool(hub.managed_services.build, caller, id)
    return Response(status_code=202)


@router.get("/managed-services/{id}/build-status")
async def get_managed_service_build_status(
    id: str, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """The newest build: ``WORKING``, ``SUCCESS`` or ``FAILURE``, its step and what the
    workspace check found (404 before the first build)."""
    return JSONResponse(build_json(hub.managed_services.build_status(caller, id)))


@router.get("/managed-services/{id}/build-logs")
async def get_managed_service_build_logs(
    id: str, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """The newest build's log, line by line (the workspace check, pip's output, why it
    failed)."""
    return JSONResponse(build_log_json(hub.managed_services.build_log(caller, id)))


@router.put("/managed-services/{id}/pricing-plan")
async def add_managed_service_pricing_plan(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """Give the service a pricing plan (kept and shown; nothing is charged locally)."""
    body = await read_model(request, PricingPlanBody, json_media_type_only=True)
    hub.managed_services.configure(caller, id, "pricingPlan", _wire(body))
    entry = hub.catalog.entry(caller.organization_id, id)
    return JSONResponse(pricing_plan_json(entry))


@router.delete("/managed-services/{id}/pricing-plan", status_code=204)
async def delete_managed_service_pricing_plan(
    id: str, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Drop the service's pricing plan (it is free again)."""
    hub.managed_services.configure(caller, id, "pricingPlan", None)
    return Response(status_code=204)


@router.put("/managed-services/{id}/resource-configuration", status_code=204)
async def update_managed_service_resource_configuration(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Set one resource configuration (cpu, gpu or memory), replacing the one of its kind."""
    raw = await read_json_object(request, malformed=Unprocessable, json_media_type_only=True)
    try:
        configuration = RESOURCE_BODY.validate_python(raw)
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from None
    hub.managed_services.configure_resource(caller, id, _wire(configuration))
    return Response(status_code=204)


@router.put("/managed-services/{id}/runtime-configuration", status_code=204)
async def update_managed_service_runtime_configuration(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Set the runtime configuration (kept and shown, not enforced)."""
    body = await read_model(request, RuntimeConfiguration, json_media_type_only=True)
    hub.managed_services.configure(caller, id, "runtimeConfiguration", _wire(body))
    return Response(status_code=204)
