"""The services this Hub serves: workspaces registered when it starts (not persisted)."""

from __future__ import annotations

from ..errors import BadRequest, NotFound
from .records import Service

__all__ = ["ServiceCatalog"]


class ServiceCatalog:
    """Registered services, by gateway path."""

    def __init__(self) -> None:
        self._by_path: dict[str, Service] = {}

    def register(self, service: Service) -> None:
        """Serve a workspace under its gateway path.

        Raises:
            BadRequest: the workspace has no ``src/program.py``.
        """
        if not (service.workspace / "src" / "program.py").is_file():
            raise BadRequest(
                f"{service.workspace} is not a service workspace: src/program.py is missing"
            )
        self._by_path[service.path] = service

    def get(self, context: str, name: str, version: str) -> Service:
        """The service at a gateway path.

        Raises:
            NotFound: no service is registered there.
        """
        service = self._by_path.get(f"/gateway/{context}/{name}/{version}")
        if service is None:
            raise NotFound(f"no service at /gateway/{context}/{name}/{version}")
        return service

    def all(self) -> list[Service]:
        """Every registered service, in the order they were registered."""
        return list(self._by_path.values())
