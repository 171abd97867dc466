"""Default base URL of the User API."""

from __future__ import annotations

import enum

__all__ = ["HubUserClientEnvironment"]


class HubUserClientEnvironment(enum.Enum):
    """The Kipu Quantum Hub's user service."""

    DEFAULT = "https://api.hub.kipu-quantum.com/user-service"
