"""Data pools shown to an execution at ``<workdir>/datapool/<name>``.

Each granted pool becomes a :class:`PoolMount`: the ``(source, target, read_only)`` the
runner's sandbox will mount (read-only for a ``VIEW`` grant). Until the runner takes
mounts, :func:`materialize` stands in with what this layer can do without privileges:

* ``MODIFY``: ``target`` is a symbolic link to the pool's directory. The execution writes
  straight into the pool: what it wrote is in the pool when it ends, whatever its status (a
  FAILED or CANCELLED run keeps what it wrote before it stopped; nothing is rolled back).
* ``VIEW``: ``target`` is a private copy of the pool's files (a reflink where the file
  system can, else a kernel-side copy), files mode 0444 in a directory mode 0555, removed
  when the run ends. The pool itself can't be changed through it, by anyone. Writing into
  the copy fails with ``PermissionError`` for a service running as an ordinary user; a
  service running as root ignores modes, so its writes land in the copy and are discarded.
  The sandbox's read-only mounts will make every write fail (``EROFS``), root or not, and
  spare the copy.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..datapools import GrantedPool, valid_file_name

__all__ = ["MOUNT_DIRECTORY", "PoolMount", "materialize", "pool_mounts", "release"]

#: Where an execution's pools are, inside its working directory (``DATAPOOL_DIRECTORY``).
MOUNT_DIRECTORY = "datapool"
#: ``ioctl`` request that makes ``dst`` share ``src``'s blocks (btrfs, XFS): FICLONE.
FICLONE = 0x40049409


@dataclass(frozen=True)
class PoolMount:
    """A pool as an execution sees it: ``source`` shown at ``target``."""

    name: str
    source: Path
    target: Path
    read_only: bool


def pool_mounts(workdir: Path, granted: Iterable[GrantedPool]) -> list[PoolMount]:
    """Where each granted pool goes in the execution's working directory."""
    return [
        PoolMount(g.name, g.pool.path, workdir / MOUNT_DIRECTORY / g.name, g.read_only)
        for g in granted
    ]


def materialize(mounts: Iterable[PoolMount]) -> None:
    """Show the pools to the execution with today's mechanism (see the module docstring).

    TODO(runner sandbox): once ``RunSpec`` takes ``mounts`` of ``(source, target,
    read_only)``, pass ``[Mount(m.source, m.target, m.read_only) for m in mounts]`` there
    and drop this function and :func:`release`: a read-only bind mount needs no copy.

    Raises:
        OSError: a pool could not be shown (whatever was made is removed again).
    """
    made: list[PoolMount] = []
    try:
        for mount in mounts:
            mount.target.parent.mkdir(parents=True, exist_ok=True)
            made.append(mount)
            if mount.read_only:
                _read_only_copy(mount.source, mount.target)
            else:
                mount.source.mkdir(parents=True, exist_ok=True)
                mount.target.symlink_to(mount.source, target_is_directory=True)
    except OSError:
        _remove(m.target for m in made)
        raise


def release(workdir: Path) -> None:
    """Remove an ended execution's read-only copies (links to writable pools stay)."""
    directory = workdir / MOUNT_DIRECTORY
    if directory.is_dir():
        _remove(p for p in directory.iterdir() if not p.is_symlink())


def _read_only_copy(source: Path, target: Path) -> None:
    target.mkdir()
    with os.scandir(source) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False) and valid_file_name(entry.name):
                copy = target / entry.name
                _clone(Path(entry.path), copy)
                copy.chmod(0o444)
    target.chmod(0o555)


def _clone(source: Path, target: Path) -> None:
    """Copy a file: a reflink where the file system can, else ``copyfile`` (which uses
    ``sendfile`` on Linux, so the bytes don't pass through this process)."""
    with open(source, "rb") as src, open(target, "wb") as dst, contextlib.suppress(OSError):
        fcntl.ioctl(dst.fileno(), FICLONE, src.fileno())
        return
    shutil.copyfile(source, target)


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        elif path.is_dir():
            for directory, _, _ in os.walk(path):  # a read-only copy: writable again first
                with contextlib.suppress(OSError):
                    os.chmod(directory, stat.S_IRWXU)
            shutil.rmtree(path, ignore_errors=True)
