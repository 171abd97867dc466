"""How values look on the wire: instants as ISO-8601 UTC strings with milliseconds and ``Z``."""

from __future__ import annotations

import datetime as dt
from typing import overload

from ..domain.clock import format_utc

__all__ = ["iso"]


@overload
def iso(moment: dt.datetime) -> str: ...
@overload
def iso(moment: None) -> None: ...
@overload
def iso(moment: dt.datetime | None) -> str | None: ...
def iso(moment: dt.datetime | None) -> str | None:
    """The wire form of an instant (None stays None)."""
    return None if moment is None else format_utc(moment)
