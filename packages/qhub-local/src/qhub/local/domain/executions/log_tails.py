"""Log summaries kept up to date as logs grow, so watching an execution costs what it wrote
since the last look, not its whole log.

The dashboard shows a running execution's first line, last lines and line count, and asks
again every second or two. Read from the start each time, a log of hundreds of megabytes
cost the Hub seconds of CPU per look. Here each summary remembers how far its log was read
(whole lines only: a line still being written is read when it ends) and reads on from there;
a log that shrank or was replaced is read again from the start.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from pathlib import Path

from ..clock import parse_utc
from .outputs import MAX_LOG_LINE_BYTES, LogSummary
from .records import Execution, LogLine

__all__ = ["LogTails"]

#: How many logs' summaries are kept (the least recently looked at is forgotten).
KEPT_SUMMARIES = 64


@dataclass
class _Tail:
    """A summary of a log's first ``offset`` bytes."""

    summary: LogSummary
    offset: int = 0
    #: The file's identity (device, inode) when read: another file means start again.
    identity: tuple[int, int] = (0, 0)
    lock: threading.Lock = field(default_factory=threading.Lock)


class LogTails:
    """Summaries of execution logs (:class:`LogSummary`), each read on from where it was."""

    def __init__(self, kept: int = KEPT_SUMMARIES) -> None:
        self._kept = kept
        self._tails: OrderedDict[tuple[str, int], _Tail] = OrderedDict()
        self._lock = threading.Lock()

    def summary(self, execution: Execution, last: int) -> LogSummary:
        """The log's first line, last ``last`` lines (at least one) and line count, reading
        only what was written since the previous summary of it."""
        key = (execution.id, max(last, 1))
        with self._lock:
            tail = self._tails.get(key)
            if tail is None:
                tail = _Tail(LogSummary(last=deque(maxlen=key[1])))
                self._tails[key] = tail
                while len(self._tails) > self._kept:
                    self._tails.popitem(last=False)
            self._tails.move_to_end(key)
        with tail.lock:
            _read_on(tail, execution.workdir / "log.jsonl", key[1])
            return _snapshot(tail.summary)


def _snapshot(summary: LogSummary) -> LogSummary:
    """A copy the caller may keep while the tail reads on."""
    return LogSummary(summary.first, deque(summary.last, maxlen=summary.last.maxlen), summary.total)


def _read_on(tail: _Tail, path: Path, last: int) -> None:
    try:
        file = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return
    with file:
        status = os.fstat(file.fileno())
        identity = (status.st_dev, status.st_ino)
        if identity != tail.identity or status.st_size < tail.offset:
            tail.summary, tail.offset = LogSummary(last=deque(maxlen=last)), 0
            tail.identity = identity
        file.seek(tail.offset)
        while raw := file.readline(MAX_LOG_LINE_BYTES + 1):
            if not raw.endswith(b"\n") and len(raw) <= MAX_LOG_LINE_BYTES:
                break  # still being written: read it when it ends
            # An overlong line (which the runner never writes) is skipped piece by piece.
            tail.offset += len(raw)
            line = _parsed(raw) if raw.endswith(b"\n") else None
            if line is None:
                continue
            if tail.summary.first is None:
                tail.summary.first = line
            tail.summary.last.append(line)
            tail.summary.total += 1


def _parsed(raw: bytes) -> LogLine | None:
    """A log line, or None for a malformed one (skipped, as :func:`.outputs.iter_logs` does)."""
    try:
        entry = json.loads(raw)
        return LogLine(parse_utc(entry["timestamp"]), entry["severity"], entry["message"])
    except (ValueError, KeyError, TypeError):
        return None
