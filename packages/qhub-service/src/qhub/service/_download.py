"""Writing a result file download: a checked name in an existing directory, written to a
temporary file beside it and renamed into place only when complete."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = [
    "WRITE_PIECE_BYTES",
    "Download",
    "checked_file_name",
    "checked_target_dir",
    "content_length",
]

#: The most a download hands its file in one write. The page cache takes folios as large as
#: the write; on a VM whose free memory goes back to its host, large ones tend to come from
#: memory the host took back and must fault in again: 1 MiB writes cost up to 3x the kernel
#: time of 128 KiB ones there (see benchmarks/large_file.py), while 128 KiB writes cost no
#: more than 1 MiB ones anywhere measured.
WRITE_PIECE_BYTES = 128 << 10


def content_length(headers: Any) -> int | None:
    """The body's size from ``Content-Length``, when the server sent a usable one."""
    value = headers.get("content-length", "")
    return int(value) if value.isdigit() else None


def checked_file_name(name: object) -> str:
    """A result file name that is safe to create inside a directory.

    Raises:
        TypeError: ``name`` is not a string.
        ValueError: it is empty, a dot name, absolute, or contains a path separator or NUL.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, not {type(name).__name__}")
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(
            f"refusing result file name {name!r}: it must be a plain file name "
            "(no path separators, not '.' or '..')"
        )
    return name


def checked_target_dir(target_path: str | os.PathLike[str]) -> Path:
    """The download directory, which must exist.

    Raises:
        ValueError: the path does not exist or is not a directory.
    """
    path = Path(target_path)
    if not path.is_dir():
        raise ValueError(f"Target path '{target_path}' does not exist or is not a directory.")
    return path.resolve()


class Download:
    """Writes a download to a temporary file beside the destination, renamed on success."""

    def __init__(self, name: str, target_path: str | os.PathLike[str]) -> None:
        self.directory = checked_target_dir(target_path)
        self.destination = self.directory / checked_file_name(name)
        if self.destination.parent != self.directory:
            raise ValueError(f"refusing result file name {name!r}: it leaves the target directory")
        fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=self.directory)
        self.file = os.fdopen(fd, "wb")
        self.temp = Path(temp)

    def write(self, chunk: bytes) -> None:
        """Append ``chunk``, in writes of at most :data:`WRITE_PIECE_BYTES`."""
        if len(chunk) <= WRITE_PIECE_BYTES:
            self.file.write(chunk)
            return
        view = memoryview(chunk)
        for start in range(0, len(chunk), WRITE_PIECE_BYTES):
            self.file.write(view[start : start + WRITE_PIECE_BYTES])

    def commit(self) -> Path:
        """Close the temporary file and move it into place; return the destination."""
        self.file.close()
        os.replace(self.temp, self.destination)
        return self.destination

    def discard(self) -> None:
        """Close and delete the temporary file (an existing destination is untouched)."""
        self.file.close()
        with contextlib.suppress(FileNotFoundError):
            self.temp.unlink()
