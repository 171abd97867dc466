"""``ApiError``: the base of every HTTP error of the Quantum API client (one tree for all APIs)."""

from ..._core.errors import ApiError

__all__ = ["ApiError"]
