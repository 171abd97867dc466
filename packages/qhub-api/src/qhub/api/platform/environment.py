"""Default base URL of the Platform API."""

from __future__ import annotations

import enum

__all__ = ["HubPlatformClientEnvironment"]


class HubPlatformClientEnvironment(enum.Enum):
    """The Kipu Quantum Hub's Platform API."""

    DEFAULT = "https://api.hub.kipu-quantum.com/qc-catalog"
