"""Catalog records: the services the gateway serves and where they are, what the Platform
says about them, and the managed services built from uploaded sources with their builds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..identity import Application, Subscription

__all__ = [
    "LIFECYCLE",
    "Build",
    "BuildLogLine",
    "BuildStatus",
    "BuildStep",
    "CatalogEntry",
    "Lifecycle",
    "ManagedService",
    "Service",
    "ServiceAddress",
    "ServiceDetails",
    "Severity",
    "SubscriptionView",
    "Validation",
]

#: Where a service stands: created (a managed service not built yet), accessible (served to
#: subscribed applications) or published (to the marketplace too).
Lifecycle = Literal["CREATED", "ACCESSIBLE", "PUBLISHED"]

#: The lifecycle of a served service that is not published.
LIFECYCLE: Lifecycle = "ACCESSIBLE"

#: A build's state, as the spec's ``BuildJobDto.status`` names it.
BuildStatus = Literal["WORKING", "SUCCESS", "FAILURE"]
#: What a build is doing: ``INIT`` unpacks and checks the workspace, ``BUILD_IMAGE`` makes
#: its environment (a venv with its requirements), ``PUSH_IMAGE`` puts it in service.
BuildStep = Literal["INIT", "BUILD_IMAGE", "PUSH_IMAGE", "UNKNOWN"]
#: A build log line's severity.
Severity = Literal["DEBUG", "NOTICE", "INFO", "WARNING", "ERROR"]


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
class ServiceDetails:
    """What the Platform API says about a service besides its code (all optional).

    Attributes:
        display_name: shown instead of the name.
        summary / description: text about the service.
        contacts / links: ``ServiceContact`` and ``ServiceLink`` objects, as sent.
        published: the publication scope (``PUBLIC`` or ``INTERNAL``) once published.
        openapi: the OpenAPI document uploaded for the service (its text).
    """

    display_name: str | None = None
    summary: str | None = None
    description: str | None = None
    contacts: tuple[dict[str, Any], ...] = ()
    links: tuple[dict[str, Any], ...] = ()
    published: str | None = None
    openapi: str | None = None


@dataclass(frozen=True)
class CatalogEntry:
    """A service as the Platform catalog lists it.

    Attributes:
        service: its name, version and (once served) workspace.
        organization_id: who owns it.
        registered_at: when it was registered (``--service``) or created (managed).
        lifecycle: ``CREATED`` until a managed service's first build succeeds, then
            ``ACCESSIBLE``, or ``PUBLISHED`` once published.
        details: display name, summary, contacts, … as the Platform API set them.
        managed_service: the managed service's record (None for a ``--service`` one).
    """

    service: Service
    organization_id: str
    registered_at: dt.datetime
    lifecycle: Lifecycle = LIFECYCLE
    details: ServiceDetails = field(default_factory=ServiceDetails)
    managed_service: ManagedService | None = None

    @property
    def managed(self) -> bool:
        """Whether it was created through the Platform API (else with ``--service``)."""
        return self.managed_service is not None

    @property
    def display_name(self) -> str:
        """The display name, else the name."""
        return self.details.display_name or self.service.name

    @property
    def served(self) -> bool:
        """Whether the gateway runs it."""
        return self.lifecycle != "CREATED"


@dataclass(frozen=True)
class SubscriptionView:
    """A subscription with its application and, while it is registered, its service."""

    subscription: Subscription
    application: Application
    entry: CatalogEntry | None


@dataclass(frozen=True)
class Validation:
    """What a build found checking the workspace (the spec's ``ValidationResult``)."""

    state: Literal["SUCCESS", "WARNING", "ERROR"]
    summary: str
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Build:
    """One build of a managed service from its uploaded source.

    Attributes:
        workspace: where the built workspace is (set once unpacked).
    """

    id: str
    service_id: str
    status: BuildStatus
    step: BuildStep
    created_at: dt.datetime
    finished_at: dt.datetime | None = None
    validation: Validation | None = None
    workspace: Path | None = None


@dataclass(frozen=True)
class BuildLogLine:
    """A line of a build's log."""

    timestamp: dt.datetime
    severity: Severity
    message: str


@dataclass(frozen=True)
class ManagedService:
    """A service created through the Platform API, built from a zipped workspace.

    Attributes:
        id: its id (the catalog's ``<context>-<name>``).
        source_type: the source it was told to take (only ``file`` is built locally).
        source_size: bytes of the uploaded source archive (None before an upload).
        live_build: the build the gateway serves (None until one succeeded).
        configuration: runtime and resource configurations and the pricing plan, as sent
            (kept and shown, not enforced).
    """

    id: str
    name: str
    organization_id: str
    version: str
    created_at: dt.datetime
    source_type: str = "file"
    source_size: int | None = None
    source_uploaded_at: dt.datetime | None = None
    live_build: str | None = None
    configuration: dict[str, Any] = field(default_factory=dict)
