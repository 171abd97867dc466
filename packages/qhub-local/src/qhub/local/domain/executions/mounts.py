"""Data pools shown to an execution at ``<workdir>/datapool/<name>``.

Each granted pool becomes a :class:`PoolMount`: the ``(source, target, read_only)`` the
runner binds into the execution's sandbox, read-only for a ``VIEW`` grant (every write fails
with ``EROFS``, root or not) and writable for ``MODIFY`` (what the execution writes is in the
pool when it ends, whatever its status: a FAILED or CANCELLED run keeps what it wrote before
it stopped; nothing is rolled back).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..datapools import GrantedPool

__all__ = ["MOUNT_DIRECTORY", "PoolMount", "pool_mounts"]

#: Where an execution's pools are, inside its working directory (``DATAPOOL_DIRECTORY``).
MOUNT_DIRECTORY = "datapool"


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
