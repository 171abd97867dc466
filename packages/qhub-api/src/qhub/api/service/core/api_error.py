"""``ApiError``: the base of every HTTP error of the Service API client (one tree for all APIs)."""

from ..._core.errors import ApiError

__all__ = ["ApiError"]
