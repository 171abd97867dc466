"""The services this Hub serves: workspaces registered when it starts (not persisted).

Every registered service belongs to the Hub's default organization (the operator's); other
organizations don't see it in the catalog.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..clock import utc_now
from ..errors import BadRequest, NotFound
from .records import CatalogEntry, Service

__all__ = ["ServiceCatalog"]


class ServiceCatalog:
    """Registered services, by gateway path.

    Args:
        organization_id: the organization the registered services belong to.
    """

    def __init__(self, organization_id: str) -> None:
        self.organization_id = organization_id
        self._by_path: dict[str, CatalogEntry] = {}

    def register(self, service: Service) -> None:
        """Serve a workspace under its gateway path.

        Raises:
            BadRequest: the workspace has no ``src/program.py``.
        """
        if not (service.workspace / "src" / "program.py").is_file():
            raise BadRequest(
                f"{service.workspace} is not a service workspace: src/program.py is missing"
            )
        self._by_path[service.path] = CatalogEntry(service, self.organization_id, utc_now())

    def get(self, context: str, name: str, version: str) -> Service:
        """The service at a gateway path.

        Raises:
            NotFound: no service is registered there.
        """
        entry = self._by_path.get(f"/gateway/{context}/{name}/{version}")
        if entry is None:
            raise NotFound(f"no service at /gateway/{context}/{name}/{version}")
        return entry.service

    def all(self) -> list[Service]:
        """Every registered service, in the order they were registered."""
        return [entry.service for entry in self._by_path.values()]

    def entries(
        self, organization_id: str, lifecycles: Iterable[str] | None = None
    ) -> list[CatalogEntry]:
        """The services an organization sees, in the order they were registered; only those
        in one of ``lifecycles`` when given."""
        wanted = set(lifecycles) if lifecycles is not None else None
        return [
            entry
            for entry in self._by_path.values()
            if entry.organization_id == organization_id
            and (wanted is None or entry.lifecycle in wanted)
        ]

    def entry(self, organization_id: str, service_id: str) -> CatalogEntry:
        """A service the organization sees, by id (its newest registered version).

        Raises:
            NotFound: unknown, or another organization's.
        """
        found = [e for e in self.entries(organization_id) if e.service.id == service_id]
        if not found:
            raise NotFound(f"no service {service_id!r}")
        return found[-1]

    def entry_by_id(self, service_id: str) -> CatalogEntry | None:
        """A registered service by id, whoever it belongs to."""
        found = [e for e in self._by_path.values() if e.service.id == service_id]
        return found[-1] if found else None

    def name_available(self, name: str) -> bool:
        """Whether no registered service has this name."""
        return all(entry.service.name != name for entry in self._by_path.values())
