"""The Platform API client: ``HubPlatformClient`` and ``AsyncHubPlatformClient``.

Every public type name of the vendor's ``qhub.api.platform`` is importable from here. Names
resolve on first use (the clients load httpx and pydantic, the models build then), so
``import qhub.api.platform`` itself is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core.lazy import lazy_module

if TYPE_CHECKING:
    from .._core.errors import (
        BadRequestError,
        ConflictError,
        ContentTooLargeError,
        ForbiddenError,
        InternalServerError,
        NotFoundError,
        UnauthorizedError,
        UnprocessableEntityError,
        UnsupportedMediaTypeError,
    )
    from .._core.operations import HttpResponse
    from .._core.options import RequestOptions
    from .client import AsyncHubPlatformClient, HubPlatformClient
    from .core.api_error import ApiError
    from .environment import HubPlatformClientEnvironment
    from .types._permissions import DataPoolPermission, DataPoolUserPermission

_ERRORS = [
    "BadRequestError",
    "ConflictError",
    "ContentTooLargeError",
    "ForbiddenError",
    "InternalServerError",
    "NotFoundError",
    "UnauthorizedError",
    "UnprocessableEntityError",
    "UnsupportedMediaTypeError",
]

_NAMESPACES = [
    "algorithms", "announcements", "applications", "authentication", "billing",
    "data_pool_grants", "data_pool_shares", "data_pools", "entitlements", "external_services",
    "git_integrations", "implementations", "managed_services", "marketplace", "organizations",
    "products", "quantum_workloads", "service_executions", "service_jobs", "service_shares",
    "services", "subscriptions", "use_cases", "user_notifications", "users",
    "workflow_services", "workflow_user_tasks",
]  # fmt: skip

__all__ = [
    "ApiError",
    "AsyncHubPlatformClient",
    "BadRequestError",
    "ConflictError",
    "ContentTooLargeError",
    "DataPoolPermission",
    "DataPoolUserPermission",
    "ForbiddenError",
    "HttpResponse",
    "HubPlatformClient",
    "HubPlatformClientEnvironment",
    "InternalServerError",
    "NotFoundError",
    "RequestOptions",
    "UnauthorizedError",
    "UnprocessableEntityError",
    "UnsupportedMediaTypeError",
]

__getattr__, __dir__ = lazy_module(
    __name__,
    {
        "ApiError": "qhub.api._core.errors",
        "AsyncHubPlatformClient": f"{__name__}.client",
        "HubPlatformClient": f"{__name__}.client",
        "HubPlatformClientEnvironment": f"{__name__}.environment",
        "HttpResponse": "qhub.api._core.operations",
        "RequestOptions": "qhub.api._core.options",
        "DataPoolPermission": f"{__name__}.types._permissions",
        "DataPoolUserPermission": f"{__name__}.types._permissions",
        **dict.fromkeys(_ERRORS, "qhub.api._core.errors"),
        # The vendor's namespace modules, as package attributes (``platform.services``).
        **dict.fromkeys(_NAMESPACES, f"{__name__}._generated"),
    },
    fallback=f"{__name__}._generated.models",
)
