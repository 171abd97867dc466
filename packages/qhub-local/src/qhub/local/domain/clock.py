"""The domain's one timestamp type: timezone-aware UTC ``datetime``.

Text appears only where an instant leaves the process: in the store's documents and log
files (via :func:`format_utc`) and at the HTTP edge.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["format_utc", "parse_utc", "utc_now", "utc_now_ms"]


def utc_now() -> dt.datetime:
    """The current time, UTC."""
    return dt.datetime.now(dt.timezone.utc)


def utc_now_ms() -> dt.datetime:
    """The current time, UTC, to the millisecond: what an instant keeps once written as text,
    so a record reads back equal to the one that was saved."""
    now = utc_now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def format_utc(moment: dt.datetime) -> str:
    """ISO-8601 UTC with milliseconds and ``Z`` (``2026-11-01T10:30:00.000Z``)."""
    return (
        moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def parse_utc(text: str) -> dt.datetime:
    """An ISO-8601 instant (``Z`` accepted; a naive one is read as UTC).

    Raises:
        ValueError: not an ISO-8601 date-time.
    """
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
