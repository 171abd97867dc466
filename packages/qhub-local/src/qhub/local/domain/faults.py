"""The one place that tells a failure of the Hub's store (its disk, its database) from any other
error, and turns it into :class:`StoreUnavailable`."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import StoreUnavailable

__all__ = ["store_failure", "store_faults"]

#: SQLite's primary result codes that mean the store, not the statement, failed.
_SQLITE_CAUSES = {
    5: "the database is locked by another process",  # SQLITE_BUSY
    6: "the database is locked",  # SQLITE_LOCKED
    10: "a disk I/O error",  # SQLITE_IOERR
    13: "the disk is full",  # SQLITE_FULL
    14: "the database file can't be opened",  # SQLITE_CANTOPEN
}
#: Errors of the data directory's files that mean the disk, not the request, failed.
_OS_CAUSES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EIO: "a disk I/O error",
}


def store_failure(error: BaseException) -> StoreUnavailable | None:
    """The :class:`StoreUnavailable` an error amounts to, or None when it is not a failure
    of the store (a bug, a constraint, a bad path): the one place that tells them apart.

    Recognised: SQLite's "database or disk is full", "disk I/O error", "database is locked"
    (after the busy timeout) and "unable to open database file"; an ``OSError`` ENOSPC,
    EDQUOT or EIO on the data directory's files.
    """
    if isinstance(error, StoreUnavailable):
        return error
    if isinstance(error, sqlite3.OperationalError):
        code = getattr(error, "sqlite_errorcode", None)
        cause = _SQLITE_CAUSES.get(code & 0xFF) if isinstance(code, int) else None
        return StoreUnavailable(f"{cause} ({error})") if cause else None
    if isinstance(error, OSError) and error.errno in _OS_CAUSES:
        return StoreUnavailable(f"{_OS_CAUSES[error.errno]} ({error.strerror or error})")
    return None


@contextmanager
def store_faults() -> Iterator[None]:
    """Raise :class:`StoreUnavailable` for a failure of the store in the block (see
    :func:`store_failure`); anything else passes through unchanged."""
    try:
        yield
    except (sqlite3.Error, OSError) as error:
        failure = store_failure(error)
        if failure is None:
            raise
        raise failure from error
