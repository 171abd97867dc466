"""The Platform API's contract, read: ``spec/platform.json`` as operation records.

The document ships inside the ``qhub-local`` distribution (``qhub/local/spec/platform.json``,
put there at build time by ``hatch_build.py``); in a source checkout it is read from the
repository's ``spec/`` directory instead.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ... import specs

__all__ = [
    "HTTP_METHODS",
    "Body",
    "Operation",
    "ResponseKind",
    "Schema",
    "load_spec",
    "platform_operations",
]

#: A JSON Schema (a node of the spec's document).
Schema = Mapping[str, Any]

#: The methods an OpenAPI path item may hold.
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head")

#: What an operation answers: a JSON body, nothing (2XX), bytes, or headers only (HEAD).
ResponseKind = Literal["json", "empty", "bytes", "headers"]


@dataclass(frozen=True)
class Body:
    """An operation's request body: JSON (``schema``) or a multipart upload (``file_field``
    names its file part)."""

    media_type: str
    schema: Schema
    file_field: str | None = None


@dataclass(frozen=True)
class Operation:
    """One operation of the spec.

    Attributes:
        id: the ``operationId`` (``<namespace>.<method>``).
        namespace: the operation's tag.
        method: upper-case HTTP method.
        path: the path template, as the spec writes it (``/algorithms/{id}``).
        segments: the path's segments; a parameter is its name in braces.
        path_params: the path parameters' names, in path order.
        file_params: path parameters that are file paths (``x-path-segments``).
        query: query parameter names and their schemas.
        body: the request body, if the operation takes one.
        response: what a success answers.
        response_schema: the schema of a JSON success body.
    """

    id: str
    namespace: str
    method: str
    path: str
    segments: tuple[str, ...]
    path_params: tuple[str, ...]
    file_params: frozenset[str]
    query: Mapping[str, Schema]
    body: Body | None
    response: ResponseKind
    response_schema: Schema | None

    @property
    def skeleton(self) -> tuple[str, ...]:
        """The segments with every parameter as ``{}`` (paths that differ only in parameter
        names share it)."""
        return tuple("{}" if is_param(s) else s for s in self.segments)


def is_param(segment: str) -> bool:
    """Whether a path segment is a parameter (``{name}``)."""
    return segment.startswith("{") and segment.endswith("}")


@functools.cache
def load_spec() -> Mapping[str, Any]:
    """The parsed ``spec/platform.json`` (read once per process, shared with the HTTP edge).

    Raises:
        SpecUnavailable: the documents are not installed and no checkout holds them.
    """
    return specs.load_spec("platform")


def _body(operation: Schema) -> Body | None:
    request = operation.get("requestBody")
    if request is None:
        return None
    media_type, content = next(iter(request["content"].items()))
    schema = content.get("schema", {})
    if media_type.startswith("multipart/"):
        fields = schema.get("properties", {})
        binary = [name for name, s in fields.items() if s.get("format") == "binary"]
        return Body(media_type, schema, (binary or list(fields) or ["file"])[0])
    return Body(media_type, schema)


def _response(operation: Schema) -> tuple[ResponseKind, Schema | None]:
    responses = operation["responses"]
    success = responses.get("200") or responses.get("2XX") or {}
    if success.get("x-response-headers"):
        return "headers", None
    content = success.get("content")
    if not content:
        return "empty", None
    media_type, body = next(iter(content.items()))
    if "json" not in media_type:
        return "bytes", None
    return "json", body.get("schema", {})


@functools.cache
def platform_operations() -> tuple[Operation, ...]:
    """Every operation of the Platform API's spec, in the document's order."""
    operations = []
    for path, item in load_spec()["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            parameters = operation.get("parameters", [])
            segments = tuple(s for s in path.split("/") if s)
            kind, schema = _response(operation)
            operations.append(
                Operation(
                    id=operation["operationId"],
                    namespace=operation["tags"][0],
                    method=method.upper(),
                    path=path,
                    segments=segments,
                    path_params=tuple(s[1:-1] for s in segments if is_param(s)),
                    file_params=frozenset(
                        p["name"] for p in parameters if p.get("x-path-segments")
                    ),
                    query={
                        p["name"]: p.get("schema", {}) for p in parameters if p["in"] == "query"
                    },
                    body=_body(operation),
                    response=kind,
                    response_schema=schema,
                )
            )
    return tuple(operations)
