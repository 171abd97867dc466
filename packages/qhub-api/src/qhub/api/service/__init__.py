"""The Service API client: run and inspect executions of a managed service through its gateway.

>>> from qhub.api.service import HubServiceClient
>>> service = HubServiceClient(base_url="https://gateway.example/acme/vqe/v1", token="...")
>>> execution = service.service_api.start_execution(request={"input": {}})  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core.lazy import lazy_module

if TYPE_CHECKING:
    from .._core.errors import ApiError as ApiError
    from .._core.options import RequestOptions as RequestOptions
    from ._generated.models import HalLink as HalLink
    from ._generated.models import LogEntry as LogEntry
    from ._generated.models import LogEntrySeverity as LogEntrySeverity
    from ._generated.models import ResultResponse as ResultResponse
    from ._generated.models import ResultResponseEmbedded as ResultResponseEmbedded
    from ._generated.models import ResultResponseLinks as ResultResponseLinks
    from ._generated.models import ServiceExecution as ServiceExecution
    from ._generated.models import ServiceExecutionStatus as ServiceExecutionStatus
    from ._generated.models import ServiceExecutionType as ServiceExecutionType
    from .client import AsyncHubServiceClient as AsyncHubServiceClient
    from .client import HubServiceClient as HubServiceClient
    from .environment import HubServiceClientEnvironment as HubServiceClientEnvironment
    from .service_api import AsyncServiceApiClient as AsyncServiceApiClient
    from .service_api import ServiceApiClient as ServiceApiClient
    from .types import RequestBody as RequestBody

__all__ = [
    "ApiError",
    "AsyncHubServiceClient",
    "AsyncServiceApiClient",
    "HalLink",
    "HubServiceClient",
    "HubServiceClientEnvironment",
    "LogEntry",
    "LogEntrySeverity",
    "RequestBody",
    "RequestOptions",
    "ResultResponse",
    "ResultResponseEmbedded",
    "ResultResponseLinks",
    "ServiceApiClient",
    "ServiceExecution",
    "ServiceExecutionStatus",
    "ServiceExecutionType",
]

# Names resolve on first use: the clients load httpx and pydantic, the models build then.
__getattr__, __dir__ = lazy_module(
    __name__,
    {
        "ApiError": "qhub.api._core.errors",
        "RequestOptions": "qhub.api._core.options",
        "AsyncHubServiceClient": "qhub.api.service.client",
        "HubServiceClient": "qhub.api.service.client",
        "HubServiceClientEnvironment": "qhub.api.service.environment",
        "AsyncServiceApiClient": "qhub.api.service.service_api",
        "ServiceApiClient": "qhub.api.service.service_api",
        "RequestBody": "qhub.api.service.types",
    },
    fallback="qhub.api.service._generated.models",
)
