"""Execution records: runs of a service, their logs and results, and what starts one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..datapools import DataPoolReference

__all__ = ["FINAL_STATUSES", "Execution", "ExecutionRequest", "LogLine", "ResultView"]

FINAL_STATUSES = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})


@dataclass(frozen=True)
class Execution:
    """One run of a service by an application."""

    id: str
    service: str
    application_id: str
    status: str
    created_at: dt.datetime
    workdir: Path
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    tags: list[str] = field(default_factory=list)

    @property
    def is_final(self) -> bool:
        """Whether the execution can no longer change."""
        return self.status in FINAL_STATUSES


@dataclass(frozen=True)
class ExecutionRequest:
    """What a caller asks a service to run.

    Attributes:
        input: the JSON object the service's program receives, as sent.
        tags: the execution's tags (the input's ``$tags``).
        datapools: the data pools the input names, by the input's key for each.
    """

    input: dict[str, Any]
    tags: list[str] = field(default_factory=list)
    datapools: dict[str, DataPoolReference] = field(default_factory=dict)


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
