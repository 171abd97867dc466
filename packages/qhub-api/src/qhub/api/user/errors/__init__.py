"""Errors of the User API client, one class per status (all are ``ApiError``)."""

from ..._core.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    BadRequestError,
    ForbiddenError,
    InternalServerError,
    NotFoundError,
    ParsingError,
    RedirectError,
    UnauthorizedError,
)

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "BadRequestError",
    "ForbiddenError",
    "InternalServerError",
    "NotFoundError",
    "ParsingError",
    "RedirectError",
    "UnauthorizedError",
]
