"""``ApiError``: the base of every HTTP error of the User API client (one tree for all APIs)."""

from ..._core.errors import ApiError

__all__ = ["ApiError"]
