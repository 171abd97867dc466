"""Default base URL of the Service API."""

from __future__ import annotations

import enum

__all__ = ["HubServiceClientEnvironment"]


class HubServiceClientEnvironment(enum.Enum):
    """The gateway URL template; it is never substituted, so always pass ``base_url``."""

    DEFAULT = "https://gateway.hub.kipu-quantum.com/<context>/<service>/<version>"
