"""The ``service_api`` namespace (generated from ``spec/service.json``; nothing added by hand)."""

from .._generated.service_api import AsyncServiceApiClient, ServiceApiClient

__all__ = ["AsyncServiceApiClient", "ServiceApiClient"]
