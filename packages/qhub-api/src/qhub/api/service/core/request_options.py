"""Per-call options of the Service API client."""

from ..._core.options import RequestOptions

__all__ = ["RequestOptions"]
