"""A local Hub's data directory: checked before use, served by one Hub at a time, reset on request.

The lock is an advisory ``flock`` on ``hub.lock`` inside the directory, held for the serving
process's life (the kernel drops it when the process dies, however it dies). The lock file
also says who holds it (pid and URL), so a second ``serve`` and ``status`` can name them.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DataDirError",
    "DataDirLock",
    "Holder",
    "check_data_dir",
    "check_database",
    "reset_data_dir",
]

LOCK_FILE = "hub.lock"
#: Files that mark a directory as a local Hub's (reset refuses anything else).
HUB_FILES = ("hub.sqlite3", "connection.json", LOCK_FILE)


class DataDirError(Exception):
    """The data directory can't be used; the message says why, in one line."""


@dataclass(frozen=True)
class Holder:
    """The Hub serving a data directory."""

    pid: int
    url: str | None


def check_data_dir(path: Path) -> Path:
    """Create ``path`` if needed and make sure a Hub can keep its state there.

    Raises:
        DataDirError: it is a file, can't be created, or isn't writable.
    """
    if path.exists() and not path.is_dir():
        raise DataDirError(f"{path} is a file, not a directory (pick another --data-dir)")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataDirError(f"cannot create {path}: {error.strerror or error}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise DataDirError(f"{path} is not writable (pick another --data-dir)")
    return path.resolve()


def check_database(path: Path) -> None:
    """Refuse a data directory whose database is gone while the rest of a Hub is there: a
    Hub would start empty beside the old executions, with new credentials.

    Raises:
        DataDirError: ``hub.sqlite3`` is missing next to the signing key.
    """
    if (path / "signing.key").exists() and not (path / "hub.sqlite3").exists():
        raise DataDirError(
            f"{path / 'hub.sqlite3'} is missing but {path} holds a Hub's other files; "
            "restore it, or start afresh with qhub-local reset"
        )


class DataDirLock:
    """Exclusive use of a data directory by one serving process."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock.

        Raises:
            DataDirError: another process holds it (the message names it).
        """
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            if error.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            holder = self.holder()
            who = f"another Hub (pid {holder.pid})" if holder else "another Hub"
            where = f" at {holder.url}" if holder and holder.url else ""
            raise DataDirError(f"{who} serves {self.path.parent}{where}") from None
        self._fd = fd
        self._write(Holder(os.getpid(), None))

    def announce(self, url: str) -> None:
        """Record where the holder serves, for ``status`` and a refused second ``serve``."""
        self._write(Holder(os.getpid(), url))

    def _write(self, holder: Holder) -> None:
        if self._fd is None:
            raise RuntimeError("the lock is not held")
        data = json.dumps({"pid": holder.pid, "url": holder.url}).encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)

    def holder(self) -> Holder | None:
        """Who holds the lock now, or ``None`` when nobody does."""
        if self._fd is not None:
            return Holder(os.getpid(), self._read_url())
        try:
            fd = os.open(self.path, os.O_RDWR)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return self._recorded()
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def _recorded(self) -> Holder | None:
        try:
            data = json.loads(self.path.read_text())
            return Holder(int(data["pid"]), data.get("url"))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _read_url(self) -> str | None:
        recorded = self._recorded()
        return recorded.url if recorded else None

    def release(self) -> None:
        """Give the lock up (closing the file drops it). Idempotent."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    @contextlib.contextmanager
    def held(self) -> Iterator[DataDirLock]:
        """``with lock.held():`` acquire, then release on the way out."""
        self.acquire()
        try:
            yield self
        finally:
            self.release()


def reset_data_dir(path: Path) -> None:
    """Delete a Hub's data directory and everything in it.

    Raises:
        DataDirError: a Hub serves it, or it doesn't look like a Hub's data directory.
    """
    if not path.is_dir():
        raise DataDirError(f"{path} is not a directory")
    if not any((path / name).exists() for name in HUB_FILES):
        raise DataDirError(f"{path} does not look like a local Hub's data directory")
    lock = DataDirLock(path)
    with lock.held():
        for child in path.iterdir():
            if child.name == LOCK_FILE:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    (path / LOCK_FILE).unlink(missing_ok=True)
    path.rmdir()
