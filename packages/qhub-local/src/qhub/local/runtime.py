"""Helpers for service authors, importable where ``qhub-local`` is installed: in executions
that run in the Hub's own interpreter, not in a workspace's own ``.venv`` (nor on the Kipu
Quantum Hub). A program that should run anywhere needs none of them: a result file is any
file written into ``$OUTPUT_DIRECTORY`` (see ``examples/quickstart``).

Dependency-free on purpose. Parameters annotated with :class:`DataPool` or
:class:`SecretValue` are filled by the runner, which recognises them by class name, so the
same-named classes of other runtimes (the vendor's ``qhub-commons``) work too.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO, Any

__all__ = ["DataPool", "HandlerError", "SecretValue", "write_binary_output", "write_string_output"]


class DataPool:
    """A data pool mounted for this execution."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.name = self.path.name

    def list_files(self) -> dict[str, str]:
        """Top-level files of the pool: name → absolute path."""
        return {p.name: str(p.resolve()) for p in sorted(self.path.iterdir()) if p.is_file()}

    def open(self, name: str, mode: str = "r") -> IO[Any]:
        """Open a file of the pool by name."""
        return open(self.path / _plain_name(name), mode)

    def __repr__(self) -> str:
        return f"DataPool(name={self.name!r})"


class SecretValue:
    """A secret: ``unwrap()`` gives the value; it never shows in ``str``/``repr``/logs."""

    def __init__(self, value: str) -> None:
        self._value = value

    def unwrap(self) -> str:
        """The secret's value."""
        return self._value

    def __str__(self) -> str:
        return "[redacted]"

    __repr__ = __str__


class HandlerError(Exception):
    """An error with a title, detail and extra fields for the failure's problem document."""

    def __init__(
        self, title: str, detail: str | None = None, extensions: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail or title)
        self.title = title
        self.detail = detail
        self.extensions = extensions or {}


def _plain_name(name: str) -> str:
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"{name!r} is not a plain file name")
    return name


def write_binary_output(name: str, data: bytes) -> Path:
    """Write a result file (atomically) into the execution's output directory."""
    directory = Path(os.environ.get("OUTPUT_DIRECTORY", "out"))
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / _plain_name(name)
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    with os.fdopen(fd, "wb") as file:
        file.write(data)
    os.replace(temp, target)
    return target


def write_string_output(name: str, text: str) -> Path:
    """Write a text result file (UTF-8) into the execution's output directory."""
    return write_binary_output(name, text.encode("utf-8"))
