"""The Platform API's organization image: uploaded as ``multipart/form-data`` (the ``file``
part), streamed to disk, downloaded as its own image type, deleted.

POST answers 204 once the image is in place; 400 without a file part (or an empty one), 413
over 2 MiB, 415 unless the bytes are a PNG, JPEG, GIF or WebP image (by their signature, not
the declared type) or the body is not multipart. A refused upload stores nothing and leaves
the previous image; the rest of its body is read and dropped, so the client gets the answer.
Rules (who, limits, files): ``qhub.local.domain.identity.organization_images``.

Not emulated: the vendor's base64-in-JSON upload (the spec decides multipart).
"""

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from ...domain import DomainError
from ...domain.identity import MAX_IMAGE_BYTES
from ..deps import HubDep
from .caller import PlatformCaller
from .file_parts import drain, open_multipart, receive_file

__all__ = ["router"]

router = APIRouter()


@router.post("/organizations/{id}/image", status_code=204)
async def update_organization_image(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Replace the organization's image (owners)."""
    try:
        upload = hub.organization_images.upload(caller, id)
    except DomainError:
        await drain(request)
        raise
    parser = await open_multipart(request, MAX_IMAGE_BYTES)
    try:
        await receive_file(request, parser, upload.begin, upload.write)
        await run_in_threadpool(upload.commit)  # fsyncs the file: off the event loop
    except BaseException:
        upload.abort()
        raise
    return Response(status_code=204)


@router.get("/organizations/{id}/image")
async def get_organization_image(id: str, caller: PlatformCaller, hub: HubDep) -> Response:
    """The organization's image, as its own media type (any member; 404 when none)."""
    image = await run_in_threadpool(hub.organization_images.get, caller, id)
    return Response(image.content, media_type=image.media_type)


@router.delete("/organizations/{id}/image", status_code=204)
async def delete_organization_image(id: str, caller: PlatformCaller, hub: HubDep) -> Response:
    """Remove the organization's image (owners; 404 when none)."""
    hub.organization_images.delete(caller, id)
    return Response(status_code=204)
