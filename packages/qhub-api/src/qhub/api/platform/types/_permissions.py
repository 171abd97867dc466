"""The two data pool permission enums our own code names (the vendor inlines them)."""

from __future__ import annotations

from ..._core.models import HubEnum

__all__ = ["DataPoolPermission", "DataPoolUserPermission"]


class DataPoolPermission(HubEnum):
    """What a data pool grant allows (the ``permission`` of ``create_data_pool_grant``)."""

    VIEW = "VIEW"
    MODIFY = "MODIFY"
    GRANT = "GRANT"


class DataPoolUserPermission(HubEnum):
    """The caller's role on a data pool (``DataPoolDto.current_user_permission``)."""

    VIEWER = "VIEWER"
    MAINTAINER = "MAINTAINER"
    OWNER = "OWNER"
