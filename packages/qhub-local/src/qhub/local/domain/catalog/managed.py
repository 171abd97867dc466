"""Managed services: created through the Platform API, given a zipped workspace as their
source, built (:mod:`.builds`) and then served by the gateway like a registered workspace.

A service's source is stored as ``<root>/<service>/source.zip``. An upload streams to a
temporary file (``<root>/.uploads``) under :attr:`ManagedServices.max_source_bytes`, is
checked as an archive (:mod:`.archive`: no escaping paths, links, bombs), and is moved into
place in the transaction that records it: a refused, failed or oversized upload leaves
nothing. A new upload is built by the next build; the service keeps serving its live build
until one of the new source succeeds.

Only ``file`` sources are built here: a registry image or a repository is refused (422).
Runtime and resource configurations and the pricing plan are kept and shown as sent, not
enforced. The Hub's default application is subscribed to a service of its organization
when the service's first build goes live.

Whoever lists the served services outside the domain (``connection.json``) is told when that
list changes through :attr:`ManagedServices.on_served_changed`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from ..clock import utc_now
from ..errors import BadRequest, Conflict, NotFound, PayloadTooLarge, Unprocessable
from ..identity import Applications, Caller, require_role
from .archive import ArchiveLimits, inspect_archive
from .builds import Builds
from .records import Build, BuildLogLine, CatalogEntry, ManagedService, ServiceDetails
from .services import CONTEXT, VERSION, ServiceCatalog
from .store import CatalogStore
from .subscriptions import Subscriptions

__all__ = ["DEFAULT_MAX_SOURCE_BYTES", "ManagedServices", "SourceUpload", "valid_service_name"]

#: The largest source archive an upload may carry unless the Hub is told otherwise.
DEFAULT_MAX_SOURCE_BYTES = 256 << 20
WRITE_BUFFER = 1 << 20
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?")

_log = logging.getLogger(__name__)


def valid_service_name(name: str) -> bool:
    """Whether ``name`` can name a service (a gateway path segment): 1 to 64 letters,
    digits, ``.``, ``_`` or ``-``, starting and ending with a letter or digit."""
    return _NAME.fullmatch(name) is not None


def source_type(source: Any) -> str:
    """The type of a ``source`` (``ServiceSourceFile`` …) a service may take.

    Raises:
        Unprocessable: not an object with a ``type``, or one the Hub can't build.
    """
    kind = source.get("type") if isinstance(source, dict) else None
    if not isinstance(kind, str) or kind != "file":
        raise Unprocessable(
            f"source.type: the local Hub builds 'file' sources only (a zipped workspace,"
            f" uploaded to /managed-services/{{id}}/source/file), not {kind!r}"
        )
    return kind


class SourceUpload:
    """A source archive on its way in: :meth:`write` each chunk, then :meth:`commit`; on
    any failure :meth:`abort` (safe to call at any point)."""

    def __init__(self, services: ManagedServices, service: ManagedService, temp_dir: Path) -> None:
        self._services = services
        self._service = service
        self._limit = services.max_source_bytes
        temp_dir.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=temp_dir, prefix="upload-")
        self._temp: Path | None = Path(temp)
        self._out: IO[bytes] | None = os.fdopen(fd, "wb", buffering=WRITE_BUFFER)
        self._size = 0

    def write(self, chunk: bytes) -> None:
        """Append a chunk.

        Raises:
            PayloadTooLarge: the archive is over the limit (what was written is discarded).
        """
        if self._out is None:
            raise RuntimeError("the upload is over")
        self._size += len(chunk)
        if self._size > self._limit:
            self.abort()
            raise PayloadTooLarge(f"the source archive is over the limit of {self._limit} bytes")
        self._out.write(chunk)

    def commit(self) -> ManagedService:
        """Check the archive, then store it as the service's source (one transaction).

        Raises:
            BadRequest: nothing was uploaded.
            Unprocessable: the archive is refused.
            NotFound: the service was deleted meanwhile.
        """
        try:
            if self._out is None or self._temp is None or self._size == 0:
                raise BadRequest("file: the multipart body's 'file' part is empty")
            self._out.flush()
            os.fsync(self._out.fileno())
            self._out.close()
            self._out = None
            inspect_archive(self._temp, self._services.limits)
            return self._services.place_source(self._service, self._temp, self._size)
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


class ManagedServices:
    """Managed services of organizations, their sources and builds.

    Attributes:
        max_source_bytes: the largest source archive an upload may carry (413 above it).
        limits: what an archive may hold once unpacked (entries, bytes, paths).
        on_served_changed: called, with no arguments, after a managed service became served
            (a build of it went live) or stopped being served (it was deleted), on the
            thread that changed it (a build's, a request's); it reads the served services
            from the catalog. What it raises is logged, never thrown at the build or the
            request: the change itself is done by then.
    """

    def __init__(
        self,
        store: CatalogStore,
        catalog: ServiceCatalog,
        subscriptions: Subscriptions,
        applications: Applications,
    ) -> None:
        self._store = store
        self._catalog = catalog
        self._subscriptions = subscriptions
        self._applications = applications
        self._root = catalog.root
        self._uploads = self._root / ".uploads"
        self.max_source_bytes = DEFAULT_MAX_SOURCE_BYTES
        self.builds = Builds(store, self._root, self._went_live, ArchiveLimits())
        self.on_served_changed: Callable[[], None] | None = None

    @property
    def limits(self) -> ArchiveLimits:
        """What an uploaded archive may hold."""
        return self.builds.limits

    @limits.setter
    def limits(self, limits: ArchiveLimits) -> None:
        self.builds.limits = limits

    def recover_interrupted(self) -> None:
        """End builds a stopped Hub left working, and remove half-written uploads."""
        for leftover in self._uploads.glob("upload-*"):
            leftover.unlink(missing_ok=True)
        self.builds.recover_interrupted()

    def close(self) -> None:
        """Stop running builds."""
        self.builds.close()

    # -- services --------------------------------------------------------------------------

    def create(
        self,
        caller: Caller,
        name: str,
        source: Any,
        *,
        summary: str | None = None,
        description: str | None = None,
        configuration: dict[str, Any] | None = None,
    ) -> CatalogEntry:
        """A new managed service of the caller's organization, ``CREATED`` until built.

        Raises:
            Forbidden: the caller is not a maintainer.
            Unprocessable: an invalid name, or a source the Hub can't build.
            Conflict: a service (registered or managed) has the name.
        """
        require_role(caller, "MAINTAINER", "create managed services")
        if not valid_service_name(name):
            raise Unprocessable(
                f"name: {name[:100]!r} can't name a service: 1 to 64 letters, digits, '.', '_'"
                " or '-', starting and ending with a letter or digit"
            )
        kind = source_type(source)
        if not self._catalog.name_available(name):
            raise Conflict(f"a service named {name!r} exists")
        managed = ManagedService(
            id=f"{CONTEXT}-{name}",
            name=name,
            organization_id=caller.organization_id,
            version=VERSION,
            created_at=utc_now(),
            source_type=kind,
            configuration={k: v for k, v in (configuration or {}).items() if v is not None},
        )
        if not self._store.add_service(
            managed, ServiceDetails(summary=summary, description=description)
        ):
            raise Conflict(f"a service named {name!r} exists")
        return self._catalog.entry(caller.organization_id, managed.id)

    def get(self, caller: Caller, service_id: str) -> ManagedService:
        """A managed service of the caller's organization.

        Raises:
            NotFound: unknown, another organization's, or a registered (``--service``) one.
        """
        found = self._store.service(service_id)
        if found is None or found.organization_id != caller.organization_id:
            raise NotFound(f"no managed service {service_id!r}")
        return found

    def _maintained(self, caller: Caller, service_id: str, action: str) -> ManagedService:
        found = self.get(caller, service_id)
        require_role(caller, "MAINTAINER", action)
        return found

    def configure(self, caller: Caller, service_id: str, key: str, value: Any) -> None:
        """Keep one configuration entry (``runtimeConfiguration``, ``resourceConfigurations``,
        ``pricingPlan``; None removes it).

        Raises:
            NotFound / Forbidden: see :meth:`get`; the caller is not a maintainer.
        """
        self._maintained(caller, service_id, "configure managed services")

        def change(configuration: dict[str, Any]) -> dict[str, Any]:
            if value is None:
                return {k: v for k, v in configuration.items() if k != key}
            return {**configuration, key: value}

        self._store.update_configuration(service_id, change)

    def configure_resource(self, caller: Caller, service_id: str, resource: dict[str, Any]) -> None:
        """Set one resource configuration (``cpu``, ``gpu`` or ``memory``), replacing the
        one of its type (see :meth:`configure`)."""
        self._maintained(caller, service_id, "configure managed services")

        def change(configuration: dict[str, Any]) -> dict[str, Any]:
            others = configuration.get("resourceConfigurations", [])
            kept = [c for c in others if c.get("type") != resource.get("type")]
            return {**configuration, "resourceConfigurations": [*kept, resource]}

        self._store.update_configuration(service_id, change)

    def set_source(self, caller: Caller, service_id: str, source: Any) -> None:
        """Tell the service which source to take (only ``file``: then upload it).

        Raises:
            Unprocessable: a source the Hub can't build.
        """
        self._maintained(caller, service_id, "change managed services' sources")
        self._store.set_source_type(service_id, source_type(source))

    def delete(self, caller: Caller, service_id: str) -> None:
        """Delete a managed service: its record, source, builds, details and the
        subscriptions to it (one transaction); its files go with it.

        Raises:
            Conflict: a build of it is running.
        """
        self._maintained(caller, service_id, "delete services")
        latest = self._store.latest_build(service_id)
        if latest is not None and latest.status == "WORKING":
            raise Conflict(f"a build of {service_id!r} is running; delete it once it ended")
        directory = self._root / service_id
        trash = self._root / ".trash" / f"{service_id}-{uuid.uuid4().hex}"

        def move_away() -> None:
            if directory.exists():
                trash.parent.mkdir(parents=True, exist_ok=True)
                directory.rename(trash)

        remove_subscriptions = self._applications.subscriptions_remover(service_id)
        self._store.delete_service(service_id, remove_subscriptions, move_away)
        shutil.rmtree(trash, ignore_errors=True)
        self._served_changed(f"{service_id} was deleted")

    # -- sources ---------------------------------------------------------------------------

    def upload(self, caller: Caller, service_id: str) -> SourceUpload:
        """Start uploading a service's source archive (maintainers)."""
        service = self._maintained(caller, service_id, "upload sources")
        return SourceUpload(self, service, self._uploads)

    def place_source(self, service: ManagedService, temp: Path, size: int) -> ManagedService:
        """Record a checked archive as the service's source and move it into place."""
        target = self._root / service.id / "source.zip"

        def move_in() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, target)

        if not self._store.set_source(service.id, size, utc_now(), move_in):
            raise NotFound(f"no managed service {service.id!r}")
        stored = self._store.service(service.id)
        assert stored is not None
        return stored

    def source(self, caller: Caller, service_id: str) -> Path:
        """Where the service's uploaded source archive is.

        Raises:
            NotFound: nothing was uploaded.
        """
        self.get(caller, service_id)
        path = self._root / service_id / "source.zip"
        if not path.is_file():
            raise NotFound(f"managed service {service_id!r} has no uploaded source")
        return path

    # -- builds ----------------------------------------------------------------------------

    def build(self, caller: Caller, service_id: str) -> Build:
        """Start building the service from its uploaded source.

        Raises:
            Conflict: nothing was uploaded, or a build of it is running.
        """
        service = self._maintained(caller, service_id, "build services")
        source = self._root / service_id / "source.zip"
        if service.source_size is None or not source.is_file():
            raise Conflict(
                f"managed service {service_id!r} has no source: upload a zipped workspace"
                f" to /managed-services/{service_id}/source/file first"
            )
        build = Build(str(uuid.uuid4()), service_id, "WORKING", "INIT", utc_now())
        outcome = self._store.add_build(build)
        if outcome == "busy":
            raise Conflict(f"a build of {service_id!r} is running")
        if outcome == "gone":
            raise NotFound(f"no managed service {service_id!r}")
        self.builds.start(service, build, source)
        return build

    def build_status(self, caller: Caller, service_id: str) -> Build:
        """The service's newest build.

        Raises:
            NotFound: it was never built.
        """
        self.get(caller, service_id)
        latest = self._store.latest_build(service_id)
        if latest is None:
            raise NotFound(
                f"managed service {service_id!r} was not built yet:"
                f" PUT /managed-services/{service_id}/build"
            )
        return latest

    def build_log(self, caller: Caller, service_id: str) -> list[BuildLogLine]:
        """The newest build's log, in order (empty before the first build)."""
        self.get(caller, service_id)
        latest = self._store.latest_build(service_id)
        return self._store.log(latest.id) if latest is not None else []

    def _went_live(self, service: ManagedService) -> None:
        self._subscriptions.subscribe_defaults(service.id, service.organization_id)
        self._served_changed(f"a build of {service.id} went live")

    def _served_changed(self, what: str) -> None:
        """Tell :attr:`on_served_changed` (if set) that ``what`` happened."""
        if self.on_served_changed is None:
            return
        try:
            self.on_served_changed()
        except Exception as error:
            _log.error(
                "%s, but whoever lists the served services was not told (%s: %s)",
                what,
                type(error).__name__,
                error,
            )
