"""Data pool records: pools, and the references executions use to name one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PERMISSIONS", "DataPool", "DataPoolReference"]

#: What a grant may allow.
PERMISSIONS = ("VIEW", "MODIFY")


@dataclass(frozen=True)
class DataPool:
    """A data pool: a directory whose files executions may be granted."""

    id: str
    name: str
    path: Path
    created_at: dt.datetime


@dataclass(frozen=True)
class DataPoolReference:
    """A data pool an execution's input names, with the grant that lets it use the pool."""

    datapool_id: str
    grant: str
