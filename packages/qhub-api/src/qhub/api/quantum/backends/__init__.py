"""The ``backends`` namespace (generated from ``spec/quantum.json``; nothing added by hand)."""

from .._generated.backends import AsyncBackendsClient, BackendsClient

__all__ = ["AsyncBackendsClient", "BackendsClient"]
