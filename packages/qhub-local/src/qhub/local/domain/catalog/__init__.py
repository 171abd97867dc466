"""The catalog: the managed services (service workspaces) this Hub serves.

Not emulated: service versions, plans, subscriptions and managed-service builds; a service
is registered from a workspace directory when the Hub starts.
"""

from .records import Service
from .services import ServiceCatalog

__all__ = ["Service", "ServiceCatalog"]
