"""The local Hub's domain, one package per bounded context (``identity``, ``catalog``,
``datapools``, ``executions``, ``quantum``), each with its records, rules and tables, over
one SQLite database (``store``). No HTTP here; :class:`Hub` assembles the contexts."""

from .catalog import Service
from .datapools import DataPool
from .errors import (
    BadRequest,
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    StoreUnavailable,
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
    "StoreUnavailable",
    "Unauthorized",
    "Unprocessable",
    "UnsupportedMediaType",
]
