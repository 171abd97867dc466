"""The services this Hub serves: workspaces registered when it starts (``--service``, not
persisted), and managed services created through the Platform API and built from an
uploaded source (persisted; see :mod:`.managed`).

Every registered service belongs to the Hub's default organization (the operator's); a
managed service to the organization that created it; other organizations don't see them.
Service names are unique across the Hub (the gateway's path is ``/gateway/local/<name>/
<version>`` for both kinds). What the Platform API says about a service (display name,
summary, contacts, publication, …) is stored for both kinds, by service id.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..clock import utc_now
from ..errors import BadRequest, NotFound
from .records import LIFECYCLE, CatalogEntry, Lifecycle, ManagedService, Service, ServiceDetails
from .store import CatalogStore

__all__ = ["CONTEXT", "VERSION", "ServiceCatalog"]

#: The gateway context of every local service.
CONTEXT = "local"
#: The one version of every local service.
VERSION = "1.0.0"


def _lifecycle(details: ServiceDetails, served: bool) -> Lifecycle:
    if not served:
        return "CREATED"
    return "PUBLISHED" if details.published else LIFECYCLE


class ServiceCatalog:
    """Registered and managed services, by gateway path.

    Args:
        organization_id: the organization the registered services belong to.
        store: the catalog's tables (managed services, services' details).
        root: where managed services' sources and builds live.
    """

    def __init__(self, organization_id: str, store: CatalogStore, root: Path) -> None:
        self.organization_id = organization_id
        self.root = root
        self._store = store
        self._registered_at: dict[str, CatalogEntry] = {}

    def register(self, service: Service) -> None:
        """Serve a workspace under its gateway path.

        Raises:
            BadRequest: the workspace has no ``src/program.py``, or a managed service has
                the name.
        """
        if not (service.workspace / "src" / "program.py").is_file():
            raise BadRequest(
                f"{service.workspace} is not a service workspace: src/program.py is missing"
            )
        if any(m.name == service.name for m in self._store.services()):
            raise BadRequest(
                f"a managed service is named {service.name!r} (made through the Platform API):"
                " serve the workspace under another name"
            )
        self._registered_at[service.path] = CatalogEntry(service, self.organization_id, utc_now())

    def get(self, context: str, name: str, version: str) -> Service:
        """The service served at a gateway path.

        Raises:
            NotFound: no service is served there (a managed one not built yet included).
        """
        path = f"/gateway/{context}/{name}/{version}"
        entry = self._registered_at.get(path)
        if entry is not None:
            return entry.service
        managed = self._store.service(f"{CONTEXT}-{name}") if context == CONTEXT else None
        build = self._store.build(managed.live_build) if managed and managed.live_build else None
        if managed is None or build is None or build.workspace is None:
            raise NotFound(f"no service at {path}")
        service = self.managed_service(managed, build.workspace)
        if service.path != path:
            raise NotFound(f"no service at {path}")
        return service

    def all(self) -> list[Service]:
        """Every service the gateway serves: the registered ones in the order they were
        registered, then the built managed ones, oldest first."""
        return [e.service for e in self._all_entries() if e.served]

    def served_entries(self) -> list[CatalogEntry]:
        """Every service the gateway serves, whoever it belongs to."""
        return [e for e in self._all_entries() if e.served]

    def entries(
        self, organization_id: str, lifecycles: Iterable[str] | None = None
    ) -> list[CatalogEntry]:
        """The services an organization sees, registered ones first; only those in one of
        ``lifecycles`` when given."""
        wanted = set(lifecycles) if lifecycles is not None else None
        return [
            entry
            for entry in self._all_entries()
            if entry.organization_id == organization_id
            and (wanted is None or entry.lifecycle in wanted)
        ]

    def entry(self, organization_id: str, service_id: str) -> CatalogEntry:
        """A service the organization sees, by id.

        Raises:
            NotFound: unknown, or another organization's.
        """
        found = self.entry_by_id(service_id)
        if found is None or found.organization_id != organization_id:
            raise NotFound(f"no service {service_id!r}")
        return found

    def entry_by_id(self, service_id: str) -> CatalogEntry | None:
        """A service by id, whoever it belongs to."""
        found = [e for e in self._all_entries() if e.service.id == service_id]
        return found[-1] if found else None

    def name_available(self, name: str) -> bool:
        """Whether no service, registered or managed, has this name."""
        return all(entry.service.name != name for entry in self._all_entries())

    def managed_service(self, managed: ManagedService, workspace: Path | None) -> Service:
        """The :class:`Service` of a managed service (its workspace: the live build's, or
        where its builds go before one succeeded)."""
        where = workspace or self.root / managed.id
        return Service(managed.name, where, CONTEXT, managed.version)

    def _all_entries(self) -> list[CatalogEntry]:
        details = self._store.all_details()
        registered = [
            CatalogEntry(
                e.service,
                e.organization_id,
                e.registered_at,
                _lifecycle(details.get(e.service.id, ServiceDetails()), True),
                details.get(e.service.id, ServiceDetails()),
            )
            for e in self._registered_at.values()
        ]
        return registered + self._managed_entries(details)

    def _managed_entries(self, details: dict[str, ServiceDetails]) -> list[CatalogEntry]:
        workspaces = self._store.live_workspaces()
        entries = []
        for managed in self._store.services():
            workspace = workspaces.get(managed.id)
            about = details.get(managed.id, ServiceDetails())
            entries.append(
                CatalogEntry(
                    self.managed_service(managed, workspace),
                    managed.organization_id,
                    managed.created_at,
                    _lifecycle(about, workspace is not None),
                    about,
                    managed,
                )
            )
        return entries
