"""Errors of the Platform API client, one class per status (all are ``ApiError``)."""

from ..._core.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    BadRequestError,
    ConflictError,
    ContentTooLargeError,
    ForbiddenError,
    InternalServerError,
    NotFoundError,
    ParsingError,
    RedirectError,
    UnauthorizedError,
    UnprocessableEntityError,
    UnsupportedMediaTypeError,
)

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "BadRequestError",
    "ConflictError",
    "ContentTooLargeError",
    "ForbiddenError",
    "InternalServerError",
    "NotFoundError",
    "ParsingError",
    "RedirectError",
    "UnauthorizedError",
    "UnprocessableEntityError",
    "UnsupportedMediaTypeError",
]
