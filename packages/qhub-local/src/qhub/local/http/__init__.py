"""The local Hub's HTTP layer: thin routers over :class:`qhub.local.domain.Hub`."""

from .app import create_app

__all__ = ["create_app"]
