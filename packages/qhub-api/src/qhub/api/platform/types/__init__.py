"""Wire models of the Platform API (camelCase on the wire, snake_case in Python)."""

from __future__ import annotations

from ..._core.models import CamelModel, HubEnum

__all__ = ["DataPoolDto", "DataPoolGrant", "DataPoolPermission", "DataPoolUserPermission"]


class DataPoolPermission(HubEnum):
    """What a grant allows."""

    VIEW = "VIEW"
    MODIFY = "MODIFY"
    GRANT = "GRANT"


class DataPoolUserPermission(HubEnum):
    """The caller's role on a data pool."""

    VIEWER = "VIEWER"
    MAINTAINER = "MAINTAINER"
    OWNER = "OWNER"


class DataPoolGrant(CamelModel):
    """A short-lived grant token (a JWT) for one data pool."""

    token: str | None = None


class DataPoolDto(CamelModel):
    """A data pool."""

    id: str | None = None
    name: str | None = None
    short_description: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    created_at: str | None = None
    current_user_permission: DataPoolUserPermission | None = None
