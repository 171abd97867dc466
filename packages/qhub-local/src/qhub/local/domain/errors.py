"""Domain errors of the local Hub; the HTTP layer maps each to one status and error body."""

from __future__ import annotations

__all__ = [
    "BadRequest",
    "Conflict",
    "DomainError",
    "Forbidden",
    "NotFound",
    "PayloadTooLarge",
    "StoreUnavailable",
    "Unauthorized",
    "Unprocessable",
    "UnsupportedMediaType",
]


class DomainError(Exception):
    """A request the Hub refuses; ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(DomainError):
    """The request is malformed."""

    status = 400


class Unauthorized(DomainError):
    """Missing, invalid or expired credentials."""

    status = 401


class Forbidden(DomainError):
    """Valid credentials, but not for this."""

    status = 403


class NotFound(DomainError):
    """No such thing, or not visible to the caller."""

    status = 404


class Conflict(DomainError):
    """The request conflicts with the current state."""

    status = 409


class PayloadTooLarge(DomainError):
    """The request body is over the limit."""

    status = 413


class UnsupportedMediaType(DomainError):
    """The request body has the wrong content type."""

    status = 415


class Unprocessable(DomainError):
    """A well-formed request that can't be carried out as asked (a circuit too large, a
    closed session)."""

    status = 422


class StoreUnavailable(Exception):
    """The Hub can't keep its state right now: the disk is full or failing, or the database
    stayed locked. Nothing of the refused request was kept; the same request can succeed once
    the store has recovered. Not a :class:`DomainError`: the request was fine, the Hub was not.

    Attributes:
        cause: what failed, in a few words (``"the disk is full"``).
        message: the whole explanation, for the error body.
    """

    def __init__(self, cause: str) -> None:
        self.cause = cause
        self.message = (
            f"the local Hub can't store its data now: {cause}; nothing was kept, try again later"
        )
        super().__init__(self.message)
