"""What runs as the execution's program: bind the request to ``run(...)``, call it, keep its
return value and its log.

Standard library only: this runs in the workspace's interpreter, which may have nothing
else. Logs go to ``log.jsonl`` one whole line per ``os.write`` (so readers never see half a
line): ``print`` → INFO, stderr → WARNING, ``logging`` records by level (from ``LOG_LEVEL``,
default INFO), failures → ERROR.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import decimal
import enum
import errno
import importlib
import json
import logging
import os
import sys
import traceback
import uuid
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any

from ._binding import BindError, bind

RESERVED_PROBLEM_KEYS = frozenset({"type", "title", "detail", "status", "instance"})
MIB = 1 << 20


#: A longer message is logged as several entries, so whoever reads the log reads it in
#: bounded pieces (one line of a program's output can be hundreds of MiB).
MAX_MESSAGE_CHARS = 64 * 1024


class LogFile:
    """Appends JSON log lines atomically, to a descriptor opened for the execution."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    @classmethod
    def open(cls, path: Path) -> LogFile:
        """The log at ``path`` (created private to the Hub's user)."""
        return cls(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600))

    def write(self, severity: str, message: str) -> None:
        """One entry, now (several for a message over :data:`MAX_MESSAGE_CHARS`); an entry
        that can't be written (log too large) is dropped."""
        now = (
            dt.datetime.now(dt.timezone.utc)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z")
        )
        for start in range(0, max(len(message), 1), MAX_MESSAGE_CHARS):
            piece = message[start : start + MAX_MESSAGE_CHARS]
            entry = {"timestamp": now, "severity": severity, "message": piece}
            line = json.dumps(entry) + "\n"
            try:
                os.write(self.fd, line.encode("utf-8", errors="replace"))
            except OSError as error:
                if error.errno != errno.EFBIG:
                    raise


class LineStream:
    """A text stream that turns each written line into a log entry."""

    def __init__(self, log: LogFile, severity: str) -> None:
        self._log = log
        self._severity = severity
        self._buffer = ""

    def write(self, text: str) -> int:
        """Log every complete line of ``text``; keep the rest for later."""
        self._buffer += text
        *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            self._log.write(self._severity, line)
        while len(self._buffer) >= MAX_MESSAGE_CHARS:  # a line that doesn't end, in pieces
            piece, self._buffer = (
                self._buffer[:MAX_MESSAGE_CHARS],
                self._buffer[MAX_MESSAGE_CHARS:],
            )
            self._log.write(self._severity, piece)
        return len(text)

    def flush(self) -> None:
        """Log what is left of an unfinished line."""
        if self._buffer:
            self._log.write(self._severity, self._buffer)
            self._buffer = ""

    def isatty(self) -> bool:
        """Never a terminal."""
        return False


class LogHandler(logging.Handler):
    """Sends ``logging`` records to the execution's log."""

    LEVELS = {logging.DEBUG: "DEBUG", logging.INFO: "INFO", logging.WARNING: "WARNING"}

    def __init__(self, log: LogFile) -> None:
        super().__init__(logging.DEBUG)
        self._log = log

    def emit(self, record: logging.LogRecord) -> None:
        """Write the formatted record with the Hub's severity for its level."""
        severity = self.LEVELS.get(
            record.levelno, "ERROR" if record.levelno > logging.WARNING else "DEBUG"
        )
        try:
            self._log.write(severity, self.format(record))
        except Exception:
            self.handleError(record)


def _json_default(value: Any) -> Any:
    """JSON for what ``json`` can't encode: models, dataclasses, dates, sets, enums, ..."""
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, (uuid.UUID, decimal.Decimal, PurePath)):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if hasattr(value, "__dict__"):
        return vars(value)
    return str(value)


def write_output(value: Any, out: Path) -> None:
    """The return value as a result file: ``output.txt`` for scalars, ``output.json``
    otherwise; ``None`` writes nothing."""
    if value is None:
        return
    if isinstance(value, (str, int, float, bool)) and not isinstance(value, enum.Enum):
        (out / "output.txt").write_text(str(value) if isinstance(value, str) else json.dumps(value))
        return
    (out / "output.json").write_text(json.dumps(value, indent=2, default=_json_default))


def problem(error: BaseException) -> dict[str, Any]:
    """An RFC 7807 problem document for a failure."""
    title = getattr(error, "title", None) or type(error).__name__
    detail = getattr(error, "detail", None) or str(error)
    document: dict[str, Any] = {
        "type": "about:blank",
        "status": 500,
        "title": title,
        "detail": detail,
    }
    extensions = getattr(error, "extensions", None)
    if isinstance(extensions, dict):
        document.update({k: v for k, v in extensions.items() if k not in RESERVED_PROBLEM_KEYS})
    return document


def limit_reached(error: BaseException, limits: Mapping[str, Any]) -> str | None:
    """Which of the execution's limits a failure comes from, if it looks like one."""
    memory = limits.get("memory_bytes")
    processes = limits.get("processes")
    output = limits.get("output_bytes")
    if isinstance(error, MemoryError) and memory:
        return f"memory limit of {memory // MIB} MiB reached"
    if isinstance(error, OSError) and error.errno == errno.EAGAIN and processes:
        return f"process limit of {processes} reached (could not start another process)"
    if isinstance(error, OSError) and error.errno == errno.EFBIG and output:
        return f"output limit of {output} bytes reached (a file grew larger)"
    return None


def resolve(entrypoint: str, workspace: Path) -> Any:
    """Import ``module:function`` with the workspace first on ``sys.path``."""
    module_name, _, attribute = entrypoint.partition(":")
    sys.path.insert(0, str(workspace))
    module = importlib.import_module(module_name)
    return getattr(module, attribute or "run")


def run_program(command: Mapping[str, Any], log: LogFile, native_fd: int, datapools: Path) -> int:
    """Run one execution's program in this process; the exit code tells the outcome.

    Args:
        command: the fork server's command (``workspace``, ``workdir``, ``entrypoint``,
            ``request``, ``secrets``, ``limits``).
        log: the execution's log.
        native_fd: where output written below Python (C extensions, subprocesses) goes;
            copied into the log at the end.
        datapools: the directory holding the data pools mounted for the run.
    """
    workspace = Path(command["workspace"])
    workdir = Path(command["workdir"])
    out = workdir / "out"
    os.chdir(workdir)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(native_fd, 1)
    os.dup2(native_fd, 2)
    stdout, stderr = LineStream(log, "INFO"), LineStream(log, "WARNING")
    sys.stdout, sys.stderr = stdout, stderr
    root = logging.getLogger()
    root.handlers = [LogHandler(log)]
    # As on the Hub's runtime: LOG_LEVEL (default INFO), so libraries' debug chatter stays out.
    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    root.setLevel(level if level in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL") else "INFO")
    code = 0
    try:
        function = resolve(command["entrypoint"], workspace)
        arguments = bind(function, command["request"], command["secrets"], datapools)
        write_output(function(**arguments), out)
    except BaseException as error:
        code = 1
        stdout.flush()
        stderr.flush()
        log.write("ERROR", f"{type(error).__name__}: {error}")
        if not isinstance(error, BindError):
            log.write("ERROR", "".join(traceback.format_exception(error)).rstrip())
        reason = limit_reached(error, command["limits"])
        if reason:
            log.write("ERROR", f"The execution failed: {reason}.")
        with contextlib.suppress(OSError):
            (out / "output.json").write_text(json.dumps(problem(error), indent=2))
    stdout.flush()
    stderr.flush()
    os.lseek(native_fd, 0, os.SEEK_SET)
    with os.fdopen(os.dup(native_fd), "rb") as native:
        for line in native.read().decode(errors="replace").splitlines():
            log.write("INFO", line)
    return code
