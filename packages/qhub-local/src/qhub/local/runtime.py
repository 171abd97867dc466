"""Helpers for service authors, for code run by the local Hub (dependency-free on purpose).

Parameters of ``run(...)`` annotated with :class:`DataPool` or :class:`SecretValue` are
filled by the runner, which recognises the classes by name, so the same-named classes of the
vendor's runtime work as well. Raise :class:`HandlerError` to shape the failure's problem
document. :func:`write_string_output` and :func:`write_binary_output` add result files.

Example::

    from qhub.local.runtime import DataPool, HandlerError, SecretValue, write_string_output

    def run(values: list[float], token: SecretValue, pool: DataPool | None = None) -> dict:
        if not values:
            raise HandlerError("Bad input", detail="values is empty", extensions={"field": "values"})
        write_string_output("report.txt", f"{len(values)} values\\n")
        return {"sum": sum(values)}
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO, Any

__all__ = [
    "DataPool",
    "HandlerError",
    "SecretValue",
    "write_binary_output",
    "write_string_output",
]


def _plain_name(name: str) -> str:
    """``name`` if it is a file name without any path in it, else ValueError."""
    if (
        not isinstance(name, str)
        or not name
        or name in (".", "..")
        or any(c in name for c in "/\\\0")
    ):
        raise ValueError(f"{name!r} is not a plain file name (no path separators, not '..')")
    return name


class DataPool:
    """A data pool mounted for this execution: a directory of files.

    Args:
        path: the pool's directory (the runner passes ``$DATAPOOL_DIRECTORY/<parameter>``).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.name = self.path.name

    def list_files(self) -> dict[str, str]:
        """The pool's top-level regular files: name → absolute path (sorted by name)."""
        return {p.name: str(p.absolute()) for p in sorted(self.path.iterdir()) if p.is_file()}

    def open(self, name: str, mode: str = "r") -> IO[Any]:
        """Open one of the pool's files by name.

        Raises:
            ValueError: ``name`` contains a path (``/``, ``\\``, ``..``).
            FileNotFoundError: no such file in the pool.
        """
        return open(self.path / _plain_name(name), mode)  # noqa: SIM115 - the caller closes it

    def __repr__(self) -> str:
        return f"DataPool(name={self.name!r}, path={str(self.path)!r})"


class SecretValue:
    """A secret passed to the execution; ``unwrap()`` gives the value.

    ``str()``, ``repr()`` and f-strings show ``[redacted]``, so logging the object never
    reveals it. Unlike the vendor's class, ``unwrap()`` can be called any number of times.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def unwrap(self) -> str:
        """The secret's value."""
        return self._value

    def __str__(self) -> str:
        return "[redacted]"

    def __repr__(self) -> str:
        return "SecretValue([redacted])"


class HandlerError(Exception):
    """An expected failure whose problem document carries a title, detail and extra fields.

    The execution ends FAILED with ``out/output.json`` =
    ``{"type": "about:blank", "status": 500, "title": title, "detail": detail, **extensions}``;
    extensions never replace the reserved keys ``type``, ``title``, ``detail``, ``status`` and
    ``instance``.

    Args:
        title: a short summary of the problem.
        detail: what exactly went wrong (defaults to the title).
        extensions: extra JSON-able fields for the problem document.
    """

    def __init__(
        self, title: str, detail: str | None = None, extensions: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail if detail is not None else title)
        self.title = title
        self.detail = detail
        self.extensions = dict(extensions or {})


def write_binary_output(name: str, data: bytes) -> Path:
    """Write a result file into ``$OUTPUT_DIRECTORY``, atomically (temp file + rename).

    A reader never sees a half-written file: until the rename the data sits in a hidden
    ``.<name>.*.tmp`` file, and names starting with ``.`` are not result files.

    Returns:
        The path of the written file.

    Raises:
        ValueError: ``name`` contains a path (``/``, ``\\``, ``..``) or is empty.
    """
    directory = Path(os.environ.get("OUTPUT_DIRECTORY", "out"))
    target = directory / _plain_name(name)
    directory.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def write_string_output(name: str, text: str) -> Path:
    """Write a UTF-8 text result file into ``$OUTPUT_DIRECTORY`` (see :func:`write_binary_output`)."""
    return write_binary_output(name, text.encode("utf-8"))
