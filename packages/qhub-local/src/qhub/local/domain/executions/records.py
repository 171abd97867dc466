"""Execution records: runs of a service, their logs and results, and what starts one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalog import ServiceAddress
from ..datapools import DataPoolReference

__all__ = [
    "FINAL_STATUSES",
    "Execution",
    "ExecutionQuery",
    "ExecutionRequest",
    "LogLine",
    "ResultView",
]

FINAL_STATUSES = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})


@dataclass(frozen=True)
class Execution:
    """One run of a service (``service`` is its gateway path) by an application of an
    organization."""

    id: str
    service: str
    application_id: str
    status: str
    created_at: dt.datetime
    workdir: Path
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    tags: list[str] = field(default_factory=list)
    organization_id: str = ""

    @property
    def is_final(self) -> bool:
        """Whether the execution can no longer change."""
        return self.status in FINAL_STATUSES

    @property
    def address(self) -> ServiceAddress:
        """Where the executed service is served (its ids follow from it)."""
        address = ServiceAddress.from_path(self.service)
        assert address is not None, self.service
        return address


@dataclass(frozen=True)
class ExecutionQuery:
    """Which executions of an organization to list; every filter given must match.

    Attributes:
        created_after / created_before: the creation time range (exclusive bounds).
        application_id: executions of this application only.
        service_id: executions of this service only (any version).
        tags: executions carrying at least one of these tags.
        ids: these executions only.
    """

    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    application_id: str | None = None
    service_id: str | None = None
    tags: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()

    def matches(self, execution: Execution) -> bool:
        """Whether ``execution`` passes every filter."""
        return (
            (self.created_after is None or execution.created_at > self.created_after)
            and (self.created_before is None or execution.created_at < self.created_before)
            and self.application_id in (None, execution.application_id)
            and self.service_id in (None, execution.address.id)
            and (not self.tags or bool(set(self.tags) & set(execution.tags)))
            and (not self.ids or execution.id in self.ids)
        )


@dataclass(frozen=True)
class ExecutionRequest:
    """What a caller asks a service to run (see :mod:`.reserved` for the reserved keys).

    Attributes:
        input: the JSON object the caller posted, as sent.
        tags: the execution's tags (its ``$tags``).
        data_refs: the data pools its ``inputDataRefs`` mount, by name.
    """

    input: dict[str, Any]
    tags: list[str] = field(default_factory=list)
    data_refs: dict[str, DataPoolReference] = field(default_factory=dict)


@dataclass(frozen=True)
class LogLine:
    """One log entry of an execution."""

    timestamp: dt.datetime
    severity: str
    message: str


@dataclass(frozen=True)
class ResultView:
    """What the result endpoint shows: the execution, its files, and its JSON output."""

    execution: Execution
    files: list[str]
    output: dict[str, Any] | None
