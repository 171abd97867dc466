"""What an execution leaves in its working directory: result files under ``out/`` (the JSON
output in ``out/output.json``) and its log in ``log.jsonl``. Read the same way by the gateway
and by the Platform's execution records.

Nothing here loads a whole log: it is read a line at a time (:func:`iter_logs`,
:class:`.log_tails.LogTails`), and a line longer than :data:`MAX_LOG_LINE_BYTES` (which the runner
never writes) is skipped. A JSON output larger than :data:`MAX_INLINE_OUTPUT_BYTES` is not
parsed into the result: it stays a result file, ``output.json``, downloaded as a stream.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ...runner import read_result_file, result_files, safe_result_path
from ..clock import format_utc, parse_utc, utc_now
from ..errors import NotFound
from .records import Execution, LogLine, ResultView

__all__ = [
    "MAX_INLINE_OUTPUT_BYTES",
    "MAX_LOG_LINE_BYTES",
    "LogSummary",
    "append_log",
    "iter_logs",
    "plain_file_name",
    "result_file",
    "result_view",
]

#: The largest ``output.json`` shown inline in a result; a larger one is only a result file.
MAX_INLINE_OUTPUT_BYTES = 16 << 20
#: The longest log line read (the runner splits longer messages into several lines).
MAX_LOG_LINE_BYTES = 1 << 20


def plain_file_name(name: str) -> bool:
    """Whether ``name`` is a file name with no path in it."""
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\0")


def result_view(execution: Execution) -> ResultView:
    """The execution with its result files and JSON output (when it is final and the output
    is an object)."""
    out = execution.workdir / "out"
    files = result_files(out)  # regular files really inside out/: no symlinks out of it
    output = None
    if execution.is_final and "output.json" in files and _inline_size(out / "output.json"):
        try:
            loaded = json.loads(read_result_file(out, "output.json") or b"")
        except ValueError:
            loaded = None
        output = loaded if isinstance(loaded, dict) else None
    return ResultView(execution, files, output)


def result_file(execution: Execution, name: str) -> Path:
    """The path of one result file.

    Raises:
        NotFound: no such file (names with a path in them, and dot files, never match).
    """
    path = safe_result_path(execution.workdir / "out", name)
    if path is None or not plain_file_name(name) or name.startswith("."):
        raise NotFound(f"execution {execution.id!r} has no result file {name!r}")
    return path


def _inline_size(path: Path) -> bool:
    """Whether the file is small enough to be parsed into a result."""
    try:
        return path.stat().st_size <= MAX_INLINE_OUTPUT_BYTES
    except OSError:
        return False


def _raw_lines(path: Path) -> Iterator[bytes]:
    """The file's lines, one at a time; an overlong line is skipped without being held."""
    try:
        file = open(path, "rb")  # noqa: SIM115 - closed when the generator ends or is closed
    except FileNotFoundError:
        return
    with file:
        while raw := file.readline(MAX_LOG_LINE_BYTES + 1):
            if len(raw) > MAX_LOG_LINE_BYTES and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):
                    raw = file.readline(MAX_LOG_LINE_BYTES)
                continue
            yield raw


def iter_logs(execution: Execution) -> Iterator[LogLine]:
    """The execution's log, oldest first, read as it is iterated (a half-written or
    malformed line is skipped)."""
    for raw in _raw_lines(execution.workdir / "log.jsonl"):
        try:
            entry = json.loads(raw)
            yield LogLine(parse_utc(entry["timestamp"]), entry["severity"], entry["message"])
        except (ValueError, KeyError, TypeError):
            continue


@dataclass
class LogSummary:
    """A log read once: its first line, its last lines, and how many there are."""

    first: LogLine | None = None
    last: deque[LogLine] = field(default_factory=deque)
    total: int = 0


def append_log(workdir: Path, severity: str, message: str) -> None:
    """Add a line to an execution's log (the Hub's own notes, beside the program's)."""
    workdir.mkdir(parents=True, exist_ok=True)
    line = {"timestamp": format_utc(utc_now()), "severity": severity, "message": message}
    with open(workdir / "log.jsonl", "a", encoding="utf-8") as file:
        file.write(json.dumps(line) + "\n")
