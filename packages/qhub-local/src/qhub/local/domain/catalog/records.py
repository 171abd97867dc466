"""Catalog records: the managed services the gateway serves, and where they are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..identity import Application, Subscription

__all__ = ["LIFECYCLE", "CatalogEntry", "Service", "ServiceAddress", "SubscriptionView"]

#: The lifecycle of every registered service: deployed, and callable by subscribed
#: applications (not published to a marketplace).
LIFECYCLE = "ACCESSIBLE"


@dataclass(frozen=True)
class ServiceAddress:
    """Where a version of a service is served: ``/gateway/<context>/<name>/<version>``."""

    context: str
    name: str
    version: str

    @classmethod
    def from_path(cls, path: str) -> ServiceAddress | None:
        """The address of a gateway path (None for anything else)."""
        parts = path.split("/")
        if len(parts) != 5 or parts[:2] != ["", "gateway"] or not all(parts[2:]):
            return None
        return cls(parts[2], parts[3], parts[4])

    @property
    def id(self) -> str:
        """The service's stable id (the same for each of its versions)."""
        return f"{self.context}-{self.name}"

    @property
    def definition_id(self) -> str:
        """The stable id of this version of the service."""
        return f"{self.context}-{self.name}-{self.version}"

    @property
    def path(self) -> str:
        """The gateway path."""
        return f"/gateway/{self.context}/{self.name}/{self.version}"


@dataclass(frozen=True)
class Service:
    """A managed service: a workspace reachable under ``/gateway/<context>/<name>/<version>``."""

    name: str
    workspace: Path
    context: str = "local"
    version: str = "1.0.0"

    @property
    def address(self) -> ServiceAddress:
        """Where the service is served."""
        return ServiceAddress(self.context, self.name, self.version)

    @property
    def id(self) -> str:
        """A stable id for the service."""
        return self.address.id

    @property
    def definition_id(self) -> str:
        """A stable id for this version of the service."""
        return self.address.definition_id

    @property
    def path(self) -> str:
        """The gateway path of the service."""
        return self.address.path


@dataclass(frozen=True)
class CatalogEntry:
    """A registered service as the Platform catalog lists it."""

    service: Service
    organization_id: str
    registered_at: dt.datetime
    lifecycle: str = LIFECYCLE


@dataclass(frozen=True)
class SubscriptionView:
    """A subscription with its application and, while it is registered, its service."""

    subscription: Subscription
    application: Application
    entry: CatalogEntry | None
