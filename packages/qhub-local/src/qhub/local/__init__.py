"""A local Kipu Quantum Hub.

``qhub-local serve`` runs one; :func:`connect` gives ready clients of a running one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .clients import LocalHubClients as LocalHubClients
    from .clients import connect as connect

__all__ = ["LocalHubClients", "connect"]


def __getattr__(name: str) -> Any:
    # Lazy: importing qhub.local (the pytest plugin does) must not load clients or the server.
    if name in __all__:
        from . import clients as module

        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
