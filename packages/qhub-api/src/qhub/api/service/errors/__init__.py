"""Errors of the Service API client.

The vendor's gateway client types no status; ours maps every status in one place, so the
classes below are raised where their status occurs. All derive from ``ApiError``.
"""

from ..._core.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    BadGatewayError,
    BadRequestError,
    ConflictError,
    ContentTooLargeError,
    ForbiddenError,
    HubError,
    InternalServerError,
    NotFoundError,
    ParsingError,
    RedirectError,
    ServiceUnavailableError,
    TooManyRequestsError,
    UnauthorizedError,
    UnprocessableEntityError,
    UnsupportedMediaTypeError,
)

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "BadGatewayError",
    "BadRequestError",
    "ConflictError",
    "ContentTooLargeError",
    "ForbiddenError",
    "HubError",
    "InternalServerError",
    "NotFoundError",
    "ParsingError",
    "RedirectError",
    "ServiceUnavailableError",
    "TooManyRequestsError",
    "UnauthorizedError",
    "UnprocessableEntityError",
    "UnsupportedMediaTypeError",
]
