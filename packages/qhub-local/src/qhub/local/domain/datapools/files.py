"""A data pool's files: uploaded in a stream, listed, downloaded, deleted.

An upload is written to a temporary file outside every pool (``<root>/.uploads``) and moved
into the pool in the same transaction that records it, so a failed, refused or oversized
upload leaves nothing behind. The pool's directory is the truth about which files exist:
files an execution wrote into it (``MODIFY``) get a record the next time the pool's files
are read, and records of files it removed go. Only regular files at the top level count;
names starting with a dot, directories and symbolic links are never listed nor served.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import tempfile
import uuid
from pathlib import Path
from typing import IO

from ..clock import utc_now
from ..errors import BadRequest, Conflict, NotFound, PayloadTooLarge
from ..identity import Caller
from .access import PoolAccess
from .records import DataPool, DataPoolFile
from .store import DataPoolStore

__all__ = ["DEFAULT_MAX_FILE_BYTES", "FileUpload", "PoolFiles", "valid_file_name"]

#: The largest file a pool accepts unless the Hub is told otherwise.
DEFAULT_MAX_FILE_BYTES = 4 << 30
WRITE_BUFFER = 1 << 20


def valid_file_name(name: str) -> bool:
    """Whether ``name`` can name a pool's file: a plain name (no path, no control
    characters, at most 255 bytes) not starting with a dot."""
    return (
        bool(name)
        and not name.startswith(".")
        and len(name.encode("utf-8", "surrogatepass")) <= 255
        and not any(c in name for c in "/\\")
        and all(ord(c) >= 0x20 and c != "\x7f" for c in name)
    )


def _content_type(name: str, given: str | None) -> str:
    if given and "/" in given:
        return given
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


class FileUpload:
    """One file on its way into a pool.

    Call :meth:`begin` once the file's name is known, :meth:`write` for each chunk, then
    :meth:`commit`; on any failure :meth:`abort` (which is safe to call at any point).
    """

    def __init__(
        self, files: PoolFiles, pool: DataPool, name: str | None, limit: int, temp_dir: Path
    ) -> None:
        self._files = files
        self._pool = pool
        self._name = name
        self._limit = limit
        self._temp_dir = temp_dir
        self._content_type = "application/octet-stream"
        self._temp: Path | None = None
        self._out: IO[bytes] | None = None
        self._size = 0

    @property
    def size(self) -> int:
        """Bytes written so far."""
        return self._size

    def begin(self, name: str | None, content_type: str | None) -> None:
        """Start the file: ``name`` is used unless the upload was given one.

        Raises:
            BadRequest: no name, or not a valid file name.
            Conflict: the pool has a file of that name.
        """
        chosen = self._name or name
        if not chosen:
            raise BadRequest("the file has no name: give ?filename= or a filename in the part")
        self._name = self._files.check_new_name(self._pool, chosen)
        self._content_type = _content_type(chosen, content_type)
        self._temp_dir.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self._temp_dir, prefix="upload-")
        self._temp = Path(temp)
        self._out = os.fdopen(fd, "wb", buffering=WRITE_BUFFER)

    def write(self, chunk: bytes) -> None:
        """Append a chunk.

        Raises:
            PayloadTooLarge: the file is over the limit (what was written is discarded).
        """
        if self._out is None:
            raise RuntimeError("begin() the upload first")
        self._size += len(chunk)
        if self._size > self._limit:
            self.abort()
            raise PayloadTooLarge(f"the file is over the limit of {self._limit} bytes")
        self._out.write(chunk)

    def commit(self) -> DataPoolFile:
        """Move the file into the pool and record it (one transaction).

        Raises:
            BadRequest: nothing was uploaded.
            Conflict: a file of that name appeared meanwhile.
            NotFound: the pool was deleted meanwhile.
        """
        if self._out is None or self._temp is None or self._name is None:
            raise BadRequest("the multipart body has no 'file' part")
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        self._out = None
        record = DataPoolFile(
            str(uuid.uuid4()), self._pool.id, self._name, self._content_type, self._size, utc_now()
        )
        try:
            return self._files.place(self._pool, record, self._temp)
        finally:
            self.abort()

    def abort(self) -> None:
        """Discard what was written (nothing of it stays)."""
        if self._out is not None:
            with contextlib.suppress(OSError):
                self._out.close()
            self._out = None
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None


class PoolFiles:
    """The files of data pools.

    Attributes:
        max_file_bytes: the largest file an upload may carry (413 above it).
    """

    def __init__(self, store: DataPoolStore, access: PoolAccess, root: Path) -> None:
        self._store = store
        self._access = access
        self._uploads = root / ".uploads"
        self.max_file_bytes = DEFAULT_MAX_FILE_BYTES
        for leftover in self._uploads.glob("upload-*"):  # a Hub stopped mid-upload
            leftover.unlink(missing_ok=True)

    def upload(self, caller: Caller, pool_id: str, name: str | None = None) -> FileUpload:
        """Start uploading a file into a pool (the caller must be a maintainer of it).

        Args:
            caller: who uploads.
            pool_id: the pool.
            name: the file's name, if known now (it is checked at once).

        Raises:
            NotFound / Forbidden: see :meth:`PoolAccess.view`.
            BadRequest / Conflict: ``name`` is invalid or taken.
        """
        pool = self._access.view(caller, pool_id, "MAINTAINER", "add files").pool
        if name is not None:
            self.check_new_name(pool, name)
        return FileUpload(self, pool, name, self.max_file_bytes, self._uploads)

    def check_new_name(self, pool: DataPool, name: str) -> str:
        """``name`` if it can name a new file of ``pool``.

        Raises:
            BadRequest: not a valid file name.
            Conflict: the pool has a file of that name.
        """
        if not valid_file_name(name):
            raise BadRequest(
                f"{name!r} is not a valid file name (a plain name, not starting with a dot)"
            )
        if any(f.name == name for f in self._sync(pool)):
            raise Conflict(f"data pool {pool.id!r} has a file {name!r}: delete it first")
        return name

    def place(self, pool: DataPool, record: DataPoolFile, temp: Path) -> DataPoolFile:
        """Record ``record`` and move ``temp`` into the pool under its name (one transaction).

        Raises:
            Conflict: the name is taken.
            NotFound: the pool is gone.
        """
        target = pool.path / record.name

        def move_in() -> None:
            pool.path.mkdir(parents=True, exist_ok=True)
            if target.exists() or target.is_symlink():
                raise Conflict(f"data pool {pool.id!r} has a file {record.name!r}")
            # Readable by an execution's user once its grant mounts the pool (a sandboxed
            # execution runs as another user); the pools' root stays private to the Hub.
            os.chmod(temp, 0o644)
            os.replace(temp, target)

        outcome = self._store.add_file(record, move_in)
        if outcome == "taken":
            raise Conflict(f"data pool {pool.id!r} has a file {record.name!r}: delete it first")
        if outcome == "gone":
            raise NotFound(f"no data pool {pool.id!r}")
        return record

    def of(self, caller: Caller, pool_id: str) -> list[DataPoolFile]:
        """A pool's files, by name."""
        return self._sync(self._access.view(caller, pool_id).pool)

    def download(self, caller: Caller, pool_id: str, file_id: str) -> tuple[DataPoolFile, Path]:
        """A file of a pool and where it is.

        Raises:
            NotFound: no such pool or file (or the pool is invisible to the caller).
        """
        pool = self._access.view(caller, pool_id).pool
        record = self._find(pool, file_id)
        return record, pool.path / record.name

    def delete(self, caller: Caller, pool_id: str, file_id: str) -> None:
        """Delete a file of a pool (the caller must be a maintainer of it).

        Raises:
            NotFound: no such pool or file.
            Forbidden: the caller is a viewer of the pool.
        """
        pool = self._access.view(caller, pool_id, "MAINTAINER", "delete files").pool
        record = self._find(pool, file_id)
        self._store.delete_file(
            record.id, lambda: (pool.path / record.name).unlink(missing_ok=True)
        )

    def _find(self, pool: DataPool, file_id: str) -> DataPoolFile:
        for record in self._sync(pool):
            if record.id == file_id:
                return record
        raise NotFound(f"data pool {pool.id!r} has no file {file_id!r}")

    def _sync(self, pool: DataPool) -> list[DataPoolFile]:
        """The pool's records, brought in line with its directory first."""
        records = self._store.files(pool.id)
        on_disk = _regular_files(pool.path)
        known = {record.name: record for record in records}
        added = [
            DataPoolFile(
                str(uuid.uuid4()), pool.id, name, _content_type(name, None), size, utc_now()
            )
            for name, size in on_disk.items()
            if name not in known
        ]
        resized = [
            (r.id, on_disk[r.name])
            for r in records
            if r.name in on_disk and r.size != on_disk[r.name]
        ]
        removed = [r.id for r in records if r.name not in on_disk]
        if not (added or resized or removed):
            return records

        def still_there(name: str) -> bool:
            path = pool.path / name
            return path.is_file() and not path.is_symlink()

        self._store.sync_files(pool.id, added, resized, removed, still_there)
        return self._store.files(pool.id)


def _regular_files(directory: Path) -> dict[str, int]:
    """Name → size of the regular files at the top of ``directory`` (no dot files, no links)."""
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return {}
    return {
        entry.name: entry.stat(follow_symlinks=False).st_size
        for entry in entries
        if entry.is_file(follow_symlinks=False) and valid_file_name(entry.name)
    }
