"""Organization images: one picture per organization, a file under the Hub's data directory.

- **What**: PNG, JPEG, GIF or WebP, told by the bytes' signature (magic number), never by
  the declared content type: anything else is 415. At most :data:`MAX_IMAGE_BYTES` (2 MiB;
  413 above it), not empty (400).
- **Written atomically**: an upload is streamed into a temporary file beside the images,
  fsynced, then renamed over the organization's image; a refused or broken upload leaves
  nothing and the previous image as it was. Leftovers of a Hub stopped mid-upload, and the
  images of organizations deleted meanwhile, are removed when the Hub starts.
- **Who**: any member reads it (other organizations: 404, as for the organization itself);
  owners set and delete it, as they change the organization's name.
- Removed with the organization.
- Served as its own type (``image/png``, …).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import BadRequest, NotFound, PayloadTooLarge, UnsupportedMediaType
from .access import require_role
from .organizations import Organizations
from .records import Caller
from .store import IdentityStore

__all__ = [
    "MAX_IMAGE_BYTES",
    "ImageUpload",
    "OrganizationImage",
    "OrganizationImages",
    "image_type",
]

MAX_IMAGE_BYTES = 2 << 20
#: How many leading bytes tell an image's type.
SIGNATURE_BYTES = 12
TEMP_PREFIX = ".upload-"


def image_type(head: bytes) -> str | None:
    """The media type the first bytes of a file say it is: ``image/png``, ``image/jpeg``,
    ``image/gif`` or ``image/webp``; None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True)
class OrganizationImage:
    """An organization's image: its media type and bytes."""

    media_type: str
    content: bytes


class ImageUpload:
    """One image on its way in: :meth:`begin` at the file part, :meth:`write` each chunk,
    then :meth:`commit`; on any failure :meth:`abort` (safe at any point)."""

    def __init__(self, images: OrganizationImages, organization_id: str) -> None:
        self._images = images
        self._organization_id = organization_id
        self._temp: Path | None = None
        self._out: IO[bytes] | None = None
        self._head = b""
        self._size = 0

    def begin(self, filename: str | None, content_type: str | None) -> None:
        """Start the file (its declared name and type are not trusted, so not used)."""
        self._temp = self._images.temp_file()
        self._out = self._temp.open("wb")

    def write(self, chunk: bytes) -> None:
        """Append a chunk.

        Raises:
            PayloadTooLarge: over :data:`MAX_IMAGE_BYTES` (what was written is discarded).
            UnsupportedMediaType: the first bytes are no image's signature.
        """
        if self._out is None:
            raise RuntimeError("begin() the upload first")
        self._size += len(chunk)
        if self._size > MAX_IMAGE_BYTES:
            self.abort()
            raise PayloadTooLarge(f"the image is over the limit of {MAX_IMAGE_BYTES} bytes")
        if len(self._head) < SIGNATURE_BYTES:
            self._head += chunk[: SIGNATURE_BYTES - len(self._head)]
            if len(self._head) == SIGNATURE_BYTES:
                self._check_type()
        self._out.write(chunk)

    def _check_type(self) -> str:
        media_type = image_type(self._head)
        if media_type is None:
            self.abort()
            raise UnsupportedMediaType(
                "the image must be PNG, JPEG, GIF or WebP (told by its first bytes)"
            )
        return media_type

    def commit(self) -> str:
        """Make the upload the organization's image (a rename: all or nothing); its media
        type.

        Raises:
            BadRequest: no file part, or an empty one.
            UnsupportedMediaType: not an image.
            NotFound: the organization was deleted meanwhile.
        """
        if self._out is None or self._temp is None:
            raise BadRequest("the multipart body has no 'file' part")
        if self._size == 0:
            raise BadRequest("the 'file' part is empty")
        media_type = self._check_type()
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        self._out = None
        try:
            self._images.place(self._organization_id, self._temp)
        finally:
            self.abort()
        return media_type

    def abort(self) -> None:
        """Discard what was written (nothing of it stays)."""
        if self._out is not None:
            with contextlib.suppress(OSError):
                self._out.close()
            self._out = None
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None


class OrganizationImages:
    """Organizations' images, one file each under ``root``."""

    def __init__(self, root: Path, store: IdentityStore, organizations: Organizations) -> None:
        self._root = root
        self._store = store
        self._organizations = organizations
        self._root.mkdir(parents=True, exist_ok=True)
        self._sweep()

    def _sweep(self) -> None:
        """Remove leftover uploads and the images of organizations that are gone."""
        kept = {_file_name(o.id) for o in self._store.organizations()}
        for path in self._root.iterdir():
            if path.name.startswith(TEMP_PREFIX) or path.name not in kept:
                path.unlink(missing_ok=True)

    def _path(self, organization_id: str) -> Path:
        return self._root / _file_name(organization_id)

    def _owner(self, caller: Caller, organization_id: str, action: str) -> None:
        role = self._organizations.role_in(caller, organization_id)
        require_role(Caller(organization_id, caller.user_id, role), "OWNER", action)

    def upload(self, caller: Caller, organization_id: str) -> ImageUpload:
        """Start replacing an organization's image.

        Raises:
            NotFound: unknown organization, or the caller is no member.
            Forbidden: the caller is not an owner.
        """
        self._owner(caller, organization_id, "change the organization's image")
        return ImageUpload(self, organization_id)

    def temp_file(self) -> Path:
        """A new, empty temporary file beside the images (for :class:`ImageUpload`)."""
        fd, temp = tempfile.mkstemp(dir=self._root, prefix=TEMP_PREFIX)
        os.close(fd)
        return Path(temp)

    def place(self, organization_id: str, temp: Path) -> None:
        """Rename a complete upload over the organization's image.

        Raises:
            NotFound: the organization was deleted meanwhile.
        """
        target = self._path(organization_id)
        os.replace(temp, target)
        if self._store.organization(organization_id) is None:  # deleted during the upload
            target.unlink(missing_ok=True)
            raise NotFound(f"no organization {organization_id!r}")

    def get(self, caller: Caller, organization_id: str) -> OrganizationImage:
        """An organization's image.

        Raises:
            NotFound: unknown organization (or the caller is no member), or it has no image.
        """
        self._organizations.role_in(caller, organization_id)
        try:
            content = self._path(organization_id).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"organization {organization_id!r} has no image") from None
        media_type = image_type(content[:SIGNATURE_BYTES]) or "application/octet-stream"
        return OrganizationImage(media_type, content)

    def delete(self, caller: Caller, organization_id: str) -> None:
        """Remove an organization's image.

        Raises:
            NotFound: unknown organization (or the caller is no member), or it has no image.
            Forbidden: the caller is not an owner.
        """
        self._owner(caller, organization_id, "delete the organization's image")
        try:
            self._path(organization_id).unlink()
        except FileNotFoundError:
            raise NotFound(f"organization {organization_id!r} has no image") from None

    def forget(self, organization_id: str) -> None:
        """Remove the image of a deleted organization (none is fine)."""
        self._path(organization_id).unlink(missing_ok=True)


def _file_name(organization_id: str) -> str:
    """The image file's name: a digest of the id (ids are the Hub's, but a name made of one
    could still hold a ``/``)."""
    return hashlib.sha256(organization_id.encode()).hexdigest()[:32]
