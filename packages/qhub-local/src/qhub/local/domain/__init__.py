"""The local Hub's domain: plain objects, rules and the SQLite store (no HTTP)."""

from .catalog import Service
from .datapools import DataPool
from .errors import (
    BadRequest,
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    Unprocessable,
    UnsupportedMediaType,
)
from .executions import Execution, LogLine, ResultView
from .hub import Credentials, Hub

__all__ = [
    "BadRequest",
    "Conflict",
    "Credentials",
    "DataPool",
    "DomainError",
    "Execution",
    "Forbidden",
    "Hub",
    "LogLine",
    "NotFound",
    "PayloadTooLarge",
    "ResultView",
    "Service",
    "Unauthorized",
    "Unprocessable",
    "UnsupportedMediaType",
]
