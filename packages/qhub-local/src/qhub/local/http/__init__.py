"""The local Hub's HTTP layer: module-level routers that read requests, call the services
of :class:`qhub.local.domain.Hub` and write each API's JSON shapes."""

from .app import create_app

__all__ = ["create_app"]
