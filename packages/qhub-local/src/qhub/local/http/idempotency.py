"""The ``Idempotency-Key`` header of the requests that create work (our extension of the
Hub's API; the rule itself is :mod:`qhub.local.domain.idempotency`).

A creating request answered from an earlier one with the same key gets the same status
(201) and the resource as it is now, marked ``Idempotent-Replayed: true``.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from ..domain import BadRequest
from ..domain.idempotency import Created, KeyedRequest

__all__ = ["REPLAYED_HEADER", "created_response", "keyed_request"]

#: Marks an answer given from an earlier request with the same key.
REPLAYED_HEADER = "Idempotent-Replayed"


def keyed_request(request: Request, body: Any) -> KeyedRequest | None:
    """The request's ``Idempotency-Key`` with the body it came with, if it sent one.

    Raises:
        BadRequest: several keys, or a malformed one.
    """
    keys = request.headers.getlist("idempotency-key")
    if not keys:
        return None
    if len(keys) > 1:
        raise BadRequest("send one Idempotency-Key header, not several")
    return KeyedRequest(keys[0], body)


def created_response(
    content: Any, created: Created[Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    """201 with the resource; marked when it was created by an earlier request."""
    sent = dict(headers or {})
    if created.replayed:
        sent[REPLAYED_HEADER] = "true"
    return JSONResponse(content, status_code=201, headers=sent)
