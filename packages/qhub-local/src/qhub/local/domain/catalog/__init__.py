"""The catalog: the managed services (service workspaces) this Hub serves, and which
applications are subscribed to them.

Not emulated: service versions beyond the registered one, pricing plans (every service is
free), publication to a marketplace, managed-service builds; a service is registered from a
workspace directory when the Hub starts.
"""

from .records import LIFECYCLE, CatalogEntry, Service, ServiceAddress, SubscriptionView
from .services import ServiceCatalog
from .subscriptions import Subscriptions

__all__ = [
    "LIFECYCLE",
    "CatalogEntry",
    "Service",
    "ServiceAddress",
    "ServiceCatalog",
    "SubscriptionView",
    "Subscriptions",
]
