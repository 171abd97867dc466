"""Reading request bodies, with one error for every malformed one."""

import json
from typing import Any

from fastapi import Request

from ..domain import BadRequest

__all__ = ["json_object"]


async def json_object(request: Request, *, empty_is_object: bool = False) -> dict[str, Any]:
    """The body as a JSON object (an empty body as ``{}`` when ``empty_is_object``).

    Raises:
        BadRequest: not JSON, or not an object.
    """
    raw = await request.body()
    try:
        body: Any = json.loads(raw or b"{}") if empty_is_object else json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body
