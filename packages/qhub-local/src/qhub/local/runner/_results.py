"""An execution's result files, as the Hub lists, reads and serves them: only the regular,
non-hidden files at the top of its ``out/``, never through a symbolic link (the program
wrote them and may have planted links to anywhere on the Hub's machine)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["read_result_file", "result_files", "safe_result_path"]


def result_files(outdir: Path) -> list[str]:
    """The names of an execution's result files, sorted: the regular files at the top of
    ``outdir``, not hidden (``.``-names) and not symbolic links (which could point anywhere
    on the Hub's machine)."""
    try:
        names = os.listdir(outdir)
    except OSError:
        return []
    return sorted(name for name in names if safe_result_path(outdir, name) is not None)


def safe_result_path(outdir: Path, name: str) -> Path | None:
    """``outdir / name`` if that is really one of the execution's result files, else None.

    Really means: ``name`` is a plain, non-hidden file name; neither ``outdir`` nor the file
    is a symbolic link; the file is a regular file. Call it wherever a result file is
    listed, read or served.
    """
    if not name or name.startswith(".") or any(c in name for c in "/\\\0"):
        return None
    path = outdir / name
    try:
        if not stat.S_ISDIR(os.lstat(outdir).st_mode):
            return None
        return path if stat.S_ISREG(os.lstat(path).st_mode) else None
    except OSError:
        return None


def read_result_file(outdir: Path, name: str) -> bytes | None:
    """The contents of one result file, or None if it isn't one (see :func:`safe_result_path`).

    Opened with ``O_NOFOLLOW``, so a program swapping the file for a symbolic link between a
    check and the read gets nothing.
    """
    if safe_result_path(outdir, name) is None:
        return None
    try:
        fd = os.open(outdir / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return file.read()
