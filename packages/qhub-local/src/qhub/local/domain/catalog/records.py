"""Catalog records: the managed services the gateway serves."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Service"]


@dataclass(frozen=True)
class Service:
    """A managed service: a workspace reachable under ``/gateway/<context>/<name>/<version>``."""

    name: str
    workspace: Path
    context: str = "local"
    version: str = "1.0.0"

    @property
    def id(self) -> str:
        """A stable id for the service."""
        return f"{self.context}-{self.name}"

    @property
    def definition_id(self) -> str:
        """A stable id for this version of the service."""
        return f"{self.context}-{self.name}-{self.version}"

    @property
    def path(self) -> str:
        """The gateway path of the service."""
        return f"/gateway/{self.context}/{self.name}/{self.version}"
