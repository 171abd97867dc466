"""The ``service_api`` namespace of the Service API client."""

from .client import AsyncServiceApiClient, ServiceApiClient

__all__ = ["AsyncServiceApiClient", "ServiceApiClient"]
