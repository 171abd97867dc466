"""The Platform API's data pool files: uploaded as ``multipart/form-data`` (the ``file``
part; its name from ``?filename=`` or the part's file name), streamed to disk, listed,
downloaded as a stream, deleted.

An upload over the Hub's file size limit (``hub.datapools.files.max_file_bytes``) is
answered 413 with nothing stored; so is any other failed upload (400, 404, 409): nothing of
it stays. The rest of a refused body is read and dropped (``file_parts.drain``), so the
client, still sending, gets the answer instead of a reset connection.
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse

from ...domain import DomainError
from ..deps import HubDep
from .caller import PlatformCaller
from .datapool_shapes import datapool_file_json
from .file_parts import drain, open_multipart, receive_file

__all__ = ["router"]

router = APIRouter()


class LargeChunkFileResponse(FileResponse):
    """A file response sent in 1 MiB chunks: fewer, larger writes for big files."""

    chunk_size = 1 << 20


@router.get("/datapools/{id}/files")
async def get_data_pool_files(id: str, caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """The pool's files, by name (files an execution wrote into it included)."""
    return JSONResponse([datapool_file_json(f) for f in hub.datapools.files.of(caller, id)])


@router.post("/datapools/{id}/files")
async def add_data_pool_file(
    id: str,
    request: Request,
    caller: PlatformCaller,
    hub: HubDep,
    filename: Annotated[str | None, Query()] = None,
) -> JSONResponse:
    """Upload a file into the pool, streamed to disk (maintainers; 409 for a name it has)."""
    try:
        upload = hub.datapools.files.upload(caller, id, filename)
    except DomainError:
        await drain(request)
        raise
    parser = await open_multipart(request, hub.datapools.files.max_file_bytes)
    try:
        await receive_file(request, parser, upload.begin, upload.write)
        record = await run_in_threadpool(upload.commit)  # fsyncs the file: off the event loop
    except BaseException:
        upload.abort()
        raise
    return JSONResponse(datapool_file_json(record))


@router.get("/datapools/{id}/files/{file_id}")
async def get_data_pool_file(
    id: str, file_id: str, caller: PlatformCaller, hub: HubDep
) -> FileResponse:
    """One file's content, streamed."""
    record, path = hub.datapools.files.download(caller, id, file_id)
    return LargeChunkFileResponse(path, media_type="application/octet-stream", filename=record.name)


@router.delete("/datapools/{id}/files/{file_id}", status_code=204)
async def delete_data_pool_file(
    id: str, file_id: str, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Delete a file of the pool (maintainers)."""
    hub.datapools.files.delete(caller, id, file_id)
    return Response(status_code=204)
