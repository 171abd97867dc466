"""Reading an answer: a 2xx body parsed into the call's type, any other status mapped to
its error (bodies of error answers to downloads read up to ``MAX_ERROR_BODY_BYTES``), and a
download's body let past the call's deadline once the call returns.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, TypeVar, cast

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from .calls import ApiRequest
from .deadline import OperationTimeouts
from .errors import ApiError, ParsingError, error_from_response
from .options import RequestOptions

__all__ = [
    "MAX_ERROR_BODY_BYTES",
    "ResponseReading",
    "aread_capped",
    "read_capped",
    "release_deadline",
]

T = TypeVar("T")

MAX_ERROR_BODY_BYTES = 1 << 20


@lru_cache(maxsize=256)
def _adapter(response_type: Any) -> TypeAdapter[Any]:
    return TypeAdapter(response_type)


def release_deadline(response: httpx.Response) -> None:
    """Let a download's body be read past the call's deadline (each read keeps its timeout)."""
    timeouts = response.request.extensions.get("timeout")
    if isinstance(timeouts, OperationTimeouts):
        timeouts.release()


class ResponseReading:
    """The pipeline's part that reads answers (a base of :class:`.PipelineBase`)."""

    @staticmethod
    def _error(response: httpx.Response, content: bytes) -> ApiError:
        try:
            body: Any = json.loads(content) if content.strip() else None
        except ValueError:
            body = content.decode("utf-8", errors="replace")
        return error_from_response(response.status_code, response.headers, body)

    def _parse(self, call: ApiRequest[T], response: httpx.Response, options: RequestOptions) -> T:
        content = response.content
        if not response.is_success:
            raise self._error(response, content)
        if call.parse is not None:
            return call.parse(response)
        if call.response_type is None:
            return cast(T, None)
        if call.optional and (response.status_code == 204 or content.strip() in (b"", b"null")):
            return cast(T, None)
        response_type = call.response_type
        try:
            if isinstance(response_type, type) and issubclass(response_type, BaseModel):
                return cast(T, response_type.model_validate_json(content))
            return cast(T, _adapter(response_type).validate_json(content))
        except ValidationError as exc:
            try:
                body: Any = json.loads(content)
            except ValueError:
                body = content.decode("utf-8", errors="replace")
            raise ParsingError(response.status_code, response.headers, body, exc) from exc


def read_capped(chunks: Any) -> bytes:
    """An error answer's body, at most ``MAX_ERROR_BODY_BYTES`` of it."""
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        if len(buffer) >= MAX_ERROR_BODY_BYTES:
            break
    return bytes(buffer[:MAX_ERROR_BODY_BYTES])


async def aread_capped(response: httpx.Response) -> bytes:
    """An error answer's body, at most ``MAX_ERROR_BODY_BYTES`` of it (async)."""
    buffer = bytearray()
    async for chunk in response.aiter_bytes():
        buffer += chunk
        if len(buffer) >= MAX_ERROR_BODY_BYTES:
            break
    return bytes(buffer[:MAX_ERROR_BODY_BYTES])
