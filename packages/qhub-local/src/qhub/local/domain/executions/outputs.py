"""What an execution leaves in its working directory: result files under ``out/`` (the JSON
output in ``out/output.json``) and its log in ``log.jsonl``. Read the same way by the gateway
and by the Platform's execution records."""

from __future__ import annotations

import json
from pathlib import Path

from ...runner import read_result_file, result_files, safe_result_path
from ..clock import format_utc, parse_utc, utc_now
from ..errors import NotFound
from .records import Execution, LogLine, ResultView

__all__ = ["append_log", "plain_file_name", "read_logs", "result_file", "result_view"]


def plain_file_name(name: str) -> bool:
    """Whether ``name`` is a file name with no path in it."""
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\0")


def result_view(execution: Execution) -> ResultView:
    """The execution with its result files and JSON output (when it is final and the output
    is an object)."""
    out = execution.workdir / "out"
    files = result_files(out)  # regular files really inside out/: no symlinks out of it
    output = None
    if execution.is_final and "output.json" in files:
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


def read_logs(execution: Execution) -> list[LogLine]:
    """The execution's log, oldest first (a half-written or malformed line is skipped)."""
    path = execution.workdir / "log.jsonl"
    if not path.exists():
        return []
    lines = []
    for raw in path.read_bytes().split(b"\n"):
        try:
            entry = json.loads(raw)
            line = LogLine(parse_utc(entry["timestamp"]), entry["severity"], entry["message"])
        except (ValueError, KeyError, TypeError):
            continue
        lines.append(line)
    return lines


def append_log(workdir: Path, severity: str, message: str) -> None:
    """Add a line to an execution's log (the Hub's own notes, beside the program's)."""
    workdir.mkdir(parents=True, exist_ok=True)
    line = {"timestamp": format_utc(utc_now()), "severity": severity, "message": message}
    with open(workdir / "log.jsonl", "a", encoding="utf-8") as file:
        file.write(json.dumps(line) + "\n")
