"""The ``runtime_minutes`` namespace (generated from ``spec/quantum.json``)."""

from .._generated.runtime_minutes import AsyncRuntimeMinutesClient, RuntimeMinutesClient

__all__ = ["AsyncRuntimeMinutesClient", "RuntimeMinutesClient"]
