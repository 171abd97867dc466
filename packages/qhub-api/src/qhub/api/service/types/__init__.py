"""Wire models of the Service API (the service gateway); Python names snake_case, wire camelCase."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, model_validator

from ..._core.models import CamelModel, HubEnum, HubModel

__all__ = [
    "FINAL_STATUSES",
    "HalLink",
    "LogEntry",
    "LogEntrySeverity",
    "RequestBody",
    "ResultResponse",
    "ResultResponseEmbedded",
    "ResultResponseLinks",
    "ServiceExecution",
    "ServiceExecutionStatus",
    "ServiceExecutionType",
]

#: The free-form JSON object ``start_execution`` sends.
RequestBody = dict[str, Any]


class ServiceExecutionStatus(HubEnum):
    """Lifecycle state of a service execution; SUCCEEDED, FAILED and CANCELLED are final."""

    UNKNOWN = "UNKNOWN"
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"

    @property
    def is_final(self) -> bool:
        """Whether the execution can no longer change."""
        return self in FINAL_STATUSES


#: The states an execution never leaves.
FINAL_STATUSES = frozenset(
    {
        ServiceExecutionStatus.SUCCEEDED,
        ServiceExecutionStatus.FAILED,
        ServiceExecutionStatus.CANCELLED,
    }
)


class ServiceExecutionType(HubEnum):
    """Kind of service that ran."""

    MANAGED = "MANAGED"
    WORKFLOW = "WORKFLOW"


class LogEntrySeverity(HubEnum):
    """Severity of one log entry."""

    DEBUG = "DEBUG"
    NOTICE = "NOTICE"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


class ServiceExecution(CamelModel):
    """A snapshot of one service execution.

    Timestamps are the strings the gateway sent (ISO-8601 on the Hub).
    """

    id: str
    status: ServiceExecutionStatus
    created_at: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    type: ServiceExecutionType | None = None
    service_id: str | None = None
    service_definition_id: str | None = None
    application_id: str | None = None
    tags: list[str] | None = None


class HalLink(HubModel):
    """A HAL link."""

    href: str
    templated: bool | None = None
    type: str | None = None
    deprecation: str | None = None
    name: str | None = None
    profile: str | None = None
    title: str | None = None
    hreflang: str | None = None


class ResultResponseLinks(HubModel):
    """Links of a result by relation: ``status`` (and ``self``) navigate, every other key is a file."""

    strict_rejects_extra = False

    status: HalLink | None = None


class ResultResponseEmbedded(HubModel):
    """Resources embedded in a result: ``status`` is the full execution."""

    status: ServiceExecution | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_doubly_nested_status(cls, data: Any) -> Any:
        # The vendor's local runtime nests the execution as _embedded._embedded.
        if (
            isinstance(data, dict)
            and "status" not in data
            and isinstance(data.get("_embedded"), dict)
        ):
            return {
                **{k: v for k, v in data.items() if k != "_embedded"},
                "status": data["_embedded"],
            }
        return data


class ResultResponse(HubModel):
    """The HAL result of an execution; keys besides ``_links``/``_embedded`` are service output."""

    strict_rejects_extra = False

    links: ResultResponseLinks | None = Field(default=None, alias="_links")
    embedded: ResultResponseEmbedded | None = Field(default=None, alias="_embedded")


class LogEntry(HubModel):
    """One log line of an execution."""

    message: str
    severity: LogEntrySeverity | None = None
    timestamp: dt.datetime


# Every other public type name of the vendor's package: the generated models, on first use.
from ..._core.lazy import lazy_module as _lazy_module  # noqa: E402

__getattr__, __dir__ = _lazy_module(__name__, {}, fallback="qhub.api.service._generated.models")
