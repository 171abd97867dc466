"""What runs inside an execution's own process: bind the request to ``run(...)``, call it.

Logs go to ``log.jsonl`` one whole line per ``os.write`` (so readers never see half a line):
``print`` → INFO, stderr → WARNING, ``logging`` records by level (from ``LOG_LEVEL``, default
INFO), failures → ERROR.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import importlib
import inspect
import json
import logging
import os
import sys
import traceback
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

RESERVED_PROBLEM_KEYS = frozenset({"type", "title", "detail", "status", "instance"})


class LogFile:
    """Appends JSON log lines atomically."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def write(self, severity: str, message: str) -> None:
        now = (
            dt.datetime.now(dt.timezone.utc)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z")
        )
        line = json.dumps({"timestamp": now, "severity": severity, "message": message}) + "\n"
        os.write(self._fd, line.encode("utf-8", errors="replace"))


class LineStream:
    """A text stream that turns each written line into a log entry."""

    def __init__(self, log: LogFile, severity: str) -> None:
        self._log = log
        self._severity = severity
        self._buffer = ""

    def write(self, text: str) -> int:
        self._buffer += text
        *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            self._log.write(self._severity, line)
        return len(text)

    def flush(self) -> None:
        if self._buffer:
            self._log.write(self._severity, self._buffer)
            self._buffer = ""

    def isatty(self) -> bool:
        return False


class LogHandler(logging.Handler):
    """Sends ``logging`` records to the execution's log."""

    LEVELS = {logging.DEBUG: "DEBUG", logging.INFO: "INFO", logging.WARNING: "WARNING"}

    def __init__(self, log: LogFile) -> None:
        super().__init__(logging.DEBUG)
        self._log = log

    def emit(self, record: logging.LogRecord) -> None:
        severity = self.LEVELS.get(
            record.levelno, "ERROR" if record.levelno > logging.WARNING else "DEBUG"
        )
        try:
            self._log.write(severity, self.format(record))
        except Exception:
            self.handleError(record)


@functools.lru_cache(maxsize=256)
def adapter(annotation: Any) -> TypeAdapter[Any]:
    """A cached validator; the fork server warms it for common types so children inherit them."""
    return TypeAdapter(annotation)


class BindError(Exception):
    """The request does not fit the function's parameters."""


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def _class_name(annotation: Any) -> str | None:
    return annotation.__name__ if isinstance(annotation, type) else None


def _secret_env_name(name: str) -> str:
    snake = "".join(f"_{c}" if c.isupper() else c for c in name).lstrip("_")
    return "SECRET_" + snake.upper()


def bind(function: Any, request: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """Keyword arguments for ``function`` from the request body."""
    signature = inspect.signature(function)
    try:
        hints = typing.get_type_hints(function)
    except Exception:
        hints = {}
    given = request.get("$secrets")
    secrets: dict[str, Any] = given if isinstance(given, dict) else {}
    plain = {k: v for k, v in request.items() if not k.startswith("$")}
    kwargs: dict[str, Any] = {}
    var_keyword = None
    for name, parameter in signature.parameters.items():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            var_keyword = name
            continue
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        annotation, optional = _unwrap_optional(hints.get(name, parameter.annotation))
        kind = _class_name(annotation)
        if kind in ("SecretValue", "DataPool"):
            kwargs[name] = _special(annotation, kind, name, optional, parameter, secrets, workdir)
            plain.pop(name, None)
            continue
        if name not in plain:
            if parameter.default is not inspect.Parameter.empty:
                continue
            if optional:
                kwargs[name] = None
                continue
            raise BindError(f"missing required argument {name!r}")
        value = plain.pop(name)
        if (
            annotation is inspect.Parameter.empty
            or annotation is Any
            or isinstance(annotation, str)
        ):
            kwargs[name] = value
            continue
        try:
            kwargs[name] = _validate(hints.get(name, annotation), value)
        except ValidationError as exc:
            raise BindError(f"argument {name!r} is invalid: {exc.errors()[0]['msg']}") from exc
    if var_keyword is not None:
        kwargs.update(plain)
    return kwargs


def _validate(annotation: Any, value: Any) -> Any:
    try:
        return adapter(annotation).validate_python(value)
    except TypeError:  # unhashable annotation: no caching
        return TypeAdapter(annotation).validate_python(value)


def _special(
    annotation: Any,
    kind: str,
    name: str,
    optional: bool,
    parameter: inspect.Parameter,
    secrets: dict[str, Any],
    workdir: Path,
) -> Any:
    if kind == "SecretValue":
        value = secrets.get(name, os.environ.get(_secret_env_name(name)))
        if value is None:
            if optional or parameter.default is not inspect.Parameter.empty:
                return None if optional else parameter.default
            raise BindError(f"missing secret {name!r} (in $secrets or {_secret_env_name(name)})")
        return annotation(str(value))
    path = workdir / "datapool" / name
    if not path.is_dir():
        if optional:
            return None
        raise BindError(f"no data pool mounted for {name!r}")
    return annotation(path)


def write_output(value: Any, out: Path) -> None:
    """The return value as a result file: text for scalars, JSON otherwise."""
    if value is None:
        return
    if isinstance(value, (str, int, float, bool)) and not isinstance(value, enum.Enum):
        (out / "output.txt").write_text(str(value) if isinstance(value, str) else json.dumps(value))
        return
    if isinstance(value, BaseModel):
        text = json.dumps(value.model_dump(mode="json"), indent=2)
    else:
        try:
            text = json.dumps(value, indent=2)
        except (TypeError, ValueError):  # datetimes, models inside containers, sets, ...
            text = json.dumps(adapter(Any).dump_python(value, mode="json"), indent=2)
    (out / "output.json").write_text(text)


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


def resolve(entrypoint: str, workspace: Path) -> Any:
    """Import ``module:function`` with the workspace first on ``sys.path``."""
    module_name, _, attribute = entrypoint.partition(":")
    sys.path.insert(0, str(workspace))
    module = importlib.import_module(module_name)
    return getattr(module, attribute or "run")


def run_execution(workspace: Path, workdir: Path, entrypoint: str) -> int:
    """Run one execution in this (fresh, forked) process; the exit code tells the outcome."""
    os.chdir(workdir)
    out = workdir / "out"
    log = LogFile(workdir / "log.jsonl")
    native = os.open(workdir / "native-output.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(native, 1)
    os.dup2(native, 2)
    stdout, stderr = LineStream(log, "INFO"), LineStream(log, "WARNING")
    sys.stdout, sys.stderr = stdout, stderr
    root = logging.getLogger()
    root.handlers = [LogHandler(log)]
    # As on the Hub's runtime: LOG_LEVEL (default INFO), so libraries' debug chatter stays out.
    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    root.setLevel(level if level in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL") else "INFO")
    code = 0
    try:
        request = json.loads((workdir / "request.json").read_text())
        function = resolve(entrypoint, workspace)
        write_output(function(**bind(function, request, workdir)), out)
    except BaseException as error:
        code = 1
        stdout.flush()
        stderr.flush()
        log.write("ERROR", f"{type(error).__name__}: {error}")
        if not isinstance(error, BindError):
            log.write("ERROR", "".join(traceback.format_exception(error)).rstrip())
        (out / "output.json").write_text(json.dumps(problem(error), indent=2))
    stdout.flush()
    stderr.flush()
    native_text = (workdir / "native-output.log").read_text(errors="replace")
    for line in native_text.splitlines():
        log.write("INFO", line)
    return code
