"""The Platform API client (first slice: data pools and data pool grants)."""

from .._core.options import RequestOptions
from .client import AsyncHubPlatformClient, HubPlatformClient
from .core.api_error import ApiError
from .environment import HubPlatformClientEnvironment
from .types import DataPoolDto, DataPoolGrant, DataPoolPermission, DataPoolUserPermission

__all__ = [
    "ApiError",
    "AsyncHubPlatformClient",
    "DataPoolDto",
    "DataPoolGrant",
    "DataPoolPermission",
    "DataPoolUserPermission",
    "HubPlatformClient",
    "HubPlatformClientEnvironment",
    "RequestOptions",
]
