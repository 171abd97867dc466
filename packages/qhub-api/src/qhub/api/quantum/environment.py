"""Default base URL of the Quantum API."""

from __future__ import annotations

import enum

__all__ = ["HubQuantumClientEnvironment"]


class HubQuantumClientEnvironment(enum.Enum):
    """The Kipu Quantum Hub's Quantum API."""

    DEFAULT = "https://api.hub.kipu-quantum.com/quantum"
