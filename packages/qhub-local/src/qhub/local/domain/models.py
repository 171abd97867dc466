"""Plain domain objects of the local Hub."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

__all__ = [
    "FINAL_STATUSES",
    "Execution",
    "iso",
    "utc_now",
]

FINAL_STATUSES = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})


def utc_now() -> dt.datetime:
    """The current time, UTC."""
    return dt.datetime.now(dt.timezone.utc)


@overload
def iso(moment: dt.datetime) -> str: ...
@overload
def iso(moment: None) -> None: ...
@overload
def iso(moment: dt.datetime | None) -> str | None: ...
def iso(moment: dt.datetime | None) -> str | None:
    """ISO-8601 UTC with milliseconds and ``Z``."""
    if moment is None:
        return None
    return (
        moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


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
