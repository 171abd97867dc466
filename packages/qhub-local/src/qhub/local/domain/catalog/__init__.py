"""The catalog: the services this Hub serves (workspaces registered with ``--service``, and
managed services built from sources uploaded through the Platform API), what the Platform
says about them, and which applications are subscribed to them.

Not emulated: service versions beyond one (a rebuild replaces the served version), pricing
plans other than free (one is kept as sent, not charged), a marketplace to publish to
(publication only changes the lifecycle), runtime and resource configurations (kept, not
enforced), sources other than an uploaded zip (registry images, repositories).
"""

from .archive import ArchiveLimits, ArchiveSummary, extract_archive, inspect_archive
from .details import MAX_OPENAPI_BYTES, ServiceEditor
from .managed import DEFAULT_MAX_SOURCE_BYTES, ManagedServices, SourceUpload, valid_service_name
from .records import (
    LIFECYCLE,
    Build,
    BuildLogLine,
    CatalogEntry,
    Lifecycle,
    ManagedService,
    Service,
    ServiceAddress,
    ServiceDetails,
    SubscriptionView,
    Validation,
)
from .services import CONTEXT, VERSION, ServiceCatalog
from .store import CatalogStore
from .subscriptions import Subscriptions

__all__ = [
    "CONTEXT",
    "DEFAULT_MAX_SOURCE_BYTES",
    "LIFECYCLE",
    "MAX_OPENAPI_BYTES",
    "VERSION",
    "ArchiveLimits",
    "ArchiveSummary",
    "Build",
    "BuildLogLine",
    "CatalogEntry",
    "CatalogStore",
    "Lifecycle",
    "ManagedService",
    "ManagedServices",
    "Service",
    "ServiceAddress",
    "ServiceCatalog",
    "ServiceDetails",
    "ServiceEditor",
    "SourceUpload",
    "SubscriptionView",
    "Subscriptions",
    "Validation",
    "extract_archive",
    "inspect_archive",
    "valid_service_name",
]
