"""Zipped service workspaces, read safely.

An archive is refused (:class:`~qhub.local.domain.errors.Unprocessable`, naming the entry)
when an entry's path is absolute or leaves the archive (``..``), holds a backslash or a
control character, or appears twice; when an entry is a symbolic link, a device or a pipe,
or encrypted; and when it has more than :attr:`ArchiveLimits.max_entries` entries or more
than :attr:`ArchiveLimits.max_total_bytes` once uncompressed. The size is counted on the
bytes really decompressed, while they are read (never from the headers alone, which a zip
bomb lies in), and the reader stops as soon as it is over.

:func:`inspect_archive` reads every entry through without writing anything (an upload is
checked before it is stored); :func:`extract_archive` writes them into a fresh directory
and removes it again on any refusal, so nothing is left of a refused archive.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import Unprocessable

__all__ = ["ArchiveLimits", "ArchiveSummary", "extract_archive", "inspect_archive"]

CHUNK = 1 << 16
#: What reading a corrupt or unsupported archive can raise.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class ArchiveLimits:
    """What an uploaded workspace archive may hold.

    Attributes:
        max_entries: files and directories.
        max_total_bytes: all files together, uncompressed.
        max_path_bytes: one entry's path.
        max_depth: directories an entry's path descends.
    """

    max_entries: int = 10_000
    max_total_bytes: int = 1 << 30
    max_path_bytes: int = 1024
    max_depth: int = 32


@dataclass(frozen=True)
class ArchiveSummary:
    """What an archive holds: its files and directories, and its uncompressed size."""

    files: int
    directories: int
    total_bytes: int


def _refuse(problem: str) -> Unprocessable:
    return Unprocessable(f"file: the archive is refused: {problem}")


def _entry_path(info: zipfile.ZipInfo, limits: ArchiveLimits) -> PurePosixPath:
    """The entry's relative path, or the reason it has none."""
    name = info.filename
    shown = repr(name[:200])
    if any(ord(c) < 0x20 or c == "\x7f" for c in name):
        raise _refuse(f"entry {shown} has a control character in its path")
    if "\\" in name:
        raise _refuse(f"entry {shown} has a backslash in its path")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise _refuse(f"entry {shown} is an absolute path")
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise _refuse(f"entry {shown} leaves the archive (..)")
    if not parts:
        raise _refuse(f"entry {shown} has no path")
    if len(name.encode("utf-8", "surrogateescape")) > limits.max_path_bytes:
        raise _refuse(f"entry {shown} has a path longer than {limits.max_path_bytes} bytes")
    if len(parts) > limits.max_depth:
        raise _refuse(f"entry {shown} is more than {limits.max_depth} directories deep")
    return PurePosixPath(*parts)


def _is_directory(info: zipfile.ZipInfo) -> bool:
    """Whether the entry is a directory; refuses links, devices and pipes."""
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        what = "a symbolic link" if stat.S_ISLNK(mode) else "not a file nor a directory"
        raise _refuse(f"entry {info.filename[:200]!r} is {what}")
    if info.flag_bits & 0x1:
        raise _refuse(f"entry {info.filename[:200]!r} is encrypted")
    return stat.S_ISDIR(mode) or info.filename.endswith("/")


def _entries(
    archive: zipfile.ZipFile, limits: ArchiveLimits
) -> Iterator[tuple[zipfile.ZipInfo, PurePosixPath, bool]]:
    """Every entry with its checked path and whether it is a directory."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise _refuse(f"it has {len(infos)} entries; at most {limits.max_entries} are allowed")
    seen: set[PurePosixPath] = set()
    files: set[PurePosixPath] = set()
    parents: set[PurePosixPath] = set()
    for info in infos:
        path = _entry_path(info, limits)
        directory = _is_directory(info)
        if path in seen:
            raise _refuse(f"entry {str(path)!r} appears twice")
        if any(parent in files for parent in path.parents) or (not directory and path in parents):
            raise _refuse(f"entry {str(path)!r} is both a file and a directory")
        seen.add(path)
        parents.update(path.parents)
        if not directory:
            files.add(path)
        yield info, path, directory


def _copy(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    write: Callable[[bytes], object],
    used: int,
    limits: ArchiveLimits,
) -> int:
    """Decompress one entry into ``write``, counting; the new total of bytes."""
    try:
        with archive.open(info) as source:
            while chunk := source.read(CHUNK):
                used += len(chunk)
                if used > limits.max_total_bytes:
                    raise _refuse(f"it holds more than {limits.max_total_bytes} bytes uncompressed")
                write(chunk)
    except _READ_ERRORS as error:
        raise _refuse(f"entry {info.filename[:200]!r} can't be read: {error}") from None
    return used


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (*_READ_ERRORS, OSError) as error:
        raise _refuse(f"it is not a zip archive ({error})") from None


def inspect_archive(path: Path, limits: ArchiveLimits) -> ArchiveSummary:
    """Check an archive by reading every entry through, writing nothing.

    Raises:
        Unprocessable: the archive is refused (see the module's docstring).
    """
    files = directories = used = 0
    with _open(path) as archive:
        for info, _, directory in _entries(archive, limits):
            if directory:
                directories += 1
                continue
            files += 1
            used = _copy(archive, info, len, used, limits)
    return ArchiveSummary(files, directories, used)


def extract_archive(path: Path, target: Path, limits: ArchiveLimits) -> ArchiveSummary:
    """Unpack an archive into ``target``, a directory that must not exist yet. Files get
    mode 0644 (0755 when executable in the archive), directories 0755.

    Raises:
        Unprocessable: the archive is refused; ``target`` is removed again.
    """
    target.mkdir(parents=False, exist_ok=False)
    try:
        return _extract(path, target, limits)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise


def _extract(path: Path, target: Path, limits: ArchiveLimits) -> ArchiveSummary:
    files = directories = used = 0
    with _open(path) as archive:
        for info, relative, directory in _entries(archive, limits):
            destination = target.joinpath(*relative.parts)
            if directory:
                destination.mkdir(mode=0o755, parents=True, exist_ok=True)
                directories += 1
                continue
            destination.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
            executable = (info.external_attr >> 16) & 0o111
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            fd = os.open(destination, flags, 0o755 if executable else 0o644)
            with os.fdopen(fd, "wb") as out:
                used = _copy(archive, info, out.write, used, limits)
            files += 1
    with contextlib.suppress(OSError):
        target.chmod(0o755)
    return ArchiveSummary(files, directories, used)
