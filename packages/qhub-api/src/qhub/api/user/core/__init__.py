"""Core names of the User API client, where the vendor documents them."""

from ..._core.errors import ApiError, ParsingError
from ..._core.options import RequestOptions

__all__ = ["ApiError", "ParsingError", "RequestOptions"]
