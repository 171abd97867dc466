"""Reading request bodies: the one place every router gets its body from.

JSON objects, forms and multipart file uploads, each malformed one refused with a domain
error (so the one error handler writes the response).
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import math
from typing import Any, TypeVar
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, TypeAdapter, ValidationError

from ..domain import (
    BadRequest,
    DomainError,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMediaType,
)

__all__ = [
    "read_form",
    "read_json_array",
    "read_json_object",
    "read_model",
    "read_models",
    "read_uploaded_file",
]

Model = TypeVar("Model", bound=BaseModel)


async def read_json_object(
    request: Request,
    *,
    empty_is_object: bool = False,
    malformed: type[DomainError] = BadRequest,
    json_media_type_only: bool = False,
    max_bytes: int | None = None,
) -> dict[str, Any]:
    """The body as a JSON object.

    Args:
        request: the request whose body to read.
        empty_is_object: read an empty body as ``{}``.
        malformed: the error for a body that is not JSON or not an object.
        json_media_type_only: refuse a ``Content-Type`` other than JSON (415).
        max_bytes: refuse a larger body (413) before reading past the limit.

    Raises:
        DomainError: ``malformed`` for invalid JSON or a non-object,
            :class:`UnsupportedMediaType` or :class:`PayloadTooLarge` as configured.
    """
    body = await _read_json(request, empty_is_object, malformed, json_media_type_only, max_bytes)
    if not isinstance(body, dict):
        raise malformed(f"the body must be a JSON object, not {type(body).__name__}")
    return body


async def read_json_array(
    request: Request,
    *,
    malformed: type[DomainError] = Unprocessable,
    json_media_type_only: bool = True,
) -> list[Any]:
    """The body as a JSON array (see :func:`read_json_object` for the arguments).

    Raises:
        DomainError: ``malformed`` for invalid JSON or a non-array; 415 and 413 as
            :func:`read_json_object`.
    """
    body = await _read_json(request, False, malformed, json_media_type_only, None)
    if not isinstance(body, list):
        raise malformed(f"the body must be a JSON array, not {type(body).__name__}")
    return body


async def _read_json(
    request: Request,
    empty_is_object: bool,
    malformed: type[DomainError],
    json_media_type_only: bool,
    max_bytes: int | None,
) -> Any:
    if json_media_type_only:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise UnsupportedMediaType(
                f"the body must be application/json, not {media_type or 'missing'!r}"
            )
    if max_bytes is None:
        max_bytes = getattr(request.app.state, "max_body_bytes", None)
    raw = await _body(request, max_bytes)
    try:
        text = raw or (b"{}" if empty_is_object else raw)
        body: Any = json.loads(text, parse_constant=_not_a_number, parse_float=_finite)
    except ValueError as exc:
        raise malformed(f"the body is not valid JSON: {exc}") from None
    except RecursionError:
        raise malformed(f"the body is nested more than {MAX_DEPTH} levels deep") from None
    problem = _unstorable(body)
    if problem is not None:
        raise malformed(problem)
    return body


def _not_a_number(constant: str) -> Any:
    # NaN and Infinity are not JSON; Python reads them, then writes answers nobody can parse.
    raise ValueError(f"{constant} is not a JSON number")


def _finite(number: str) -> float:
    # 1e400 is valid JSON, but Python reads it as infinity: an angle nothing can simulate,
    # and a value no answer can hold.
    value = float(number)
    if math.isinf(value):
        raise ValueError(f"{number} is too large for a floating-point number")
    return value


#: How deeply a JSON body may nest (objects and arrays).
MAX_DEPTH = 64


def _unstorable(document: Any) -> str | None:
    """Why ``document`` can't be taken in, or None: nesting deeper than :data:`MAX_DEPTH`,
    or a string (a value or a key) holding an unpaired UTF-16 surrogate, which JSON's
    ``\\ud800`` escapes allow but UTF-8 can't store, and which would make every later
    answer that shows it fail."""
    pending: list[tuple[Any, str, int]] = [(document, "", 0)]
    while pending:
        value, pointer, depth = pending.pop()
        if depth > MAX_DEPTH:
            return f"the body is nested more than {MAX_DEPTH} levels deep (at {pointer})"
        if isinstance(value, str):
            if not _utf8(value):
                return f"{pointer or '/'}: the text holds an unpaired surrogate (not Unicode)"
        elif isinstance(value, dict):
            for key, item in value.items():
                if not _utf8(key):
                    return f"{pointer or '/'}: a key holds an unpaired surrogate (not Unicode)"
                pending.append((item, f"{pointer}/{key}", depth + 1))
        elif isinstance(value, list):
            pending.extend((item, f"{pointer}/{i}", depth + 1) for i, item in enumerate(value))
    return None


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


async def _body(request: Request, max_bytes: int | None) -> bytes:
    if max_bytes is None:
        return await request.body()
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(f"the body is {declared} bytes; the limit is {max_bytes}")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > max_bytes:
            raise PayloadTooLarge(f"the body is over the limit of {max_bytes} bytes")
    return bytes(raw)


async def read_model(
    request: Request, model: type[Model], *, json_media_type_only: bool = False
) -> Model:
    """The body as a JSON object validated by a pydantic ``model``.

    Raises:
        DomainError: 422, the body is not a JSON object; 415 for another content type when
            ``json_media_type_only``.
        RequestValidationError: the object doesn't fit the model (the error handler names
            each problem).
    """
    body = await read_json_object(
        request, malformed=Unprocessable, json_media_type_only=json_media_type_only
    )
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from None


async def read_models(request: Request, model: type[Model]) -> list[Model]:
    """The body as a JSON array of objects, each validated by a pydantic ``model``.

    Raises:
        DomainError: 415 for a content type other than JSON; 422, not a JSON array.
        RequestValidationError: an item doesn't fit the model (named by its index).
    """
    body = await read_json_array(request)
    try:
        return TypeAdapter(list[model]).validate_python(body)  # type: ignore[valid-type]
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from None


async def read_form(request: Request) -> dict[str, str] | None:
    """An ``application/x-www-form-urlencoded`` body, first value of each field; None when
    the body has another content type."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return None
    text = (await request.body()).decode("utf-8", "replace")
    return {key: values[0] for key, values in parse_qs(text).items()}


async def read_uploaded_file(request: Request, field: str) -> tuple[str, bytes]:
    """The content type and bytes of one multipart/form-data file field (parsed with the
    standard library's MIME parser; the Hub has no multipart dependency).

    Raises:
        BadRequest: not multipart/form-data, or no such field.
    """
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise BadRequest(f"the body must be multipart/form-data with a {field!r} part")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        head + await request.body()
    )
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == field:
            payload = part.get_payload(decode=True)
            return part.get_content_type(), payload if isinstance(payload, bytes) else b""
    raise BadRequest(f"the multipart body has no {field!r} part")
