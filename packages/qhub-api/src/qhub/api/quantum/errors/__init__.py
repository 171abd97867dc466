"""Errors of the Quantum API client, one class per status (all are ``ApiError``)."""

from ..._core.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    BadGatewayError,
    BadRequestError,
    ForbiddenError,
    InternalServerError,
    NotFoundError,
    ParsingError,
    RedirectError,
    UnauthorizedError,
    UnprocessableEntityError,
    WaitTimeoutError,
)

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "BadGatewayError",
    "BadRequestError",
    "ForbiddenError",
    "InternalServerError",
    "NotFoundError",
    "ParsingError",
    "RedirectError",
    "UnauthorizedError",
    "UnprocessableEntityError",
    "WaitTimeoutError",
]
