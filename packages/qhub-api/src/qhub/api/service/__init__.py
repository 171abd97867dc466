"""The Service API client: run and inspect executions of a managed service through its gateway.

>>> from qhub.api.service import HubServiceClient
>>> service = HubServiceClient(base_url="https://gateway.example/acme/vqe/v1", token="...")
>>> execution = service.service_api.start_execution(request={"input": {}})  # doctest: +SKIP
"""

from .._core.options import RequestOptions
from .client import AsyncHubServiceClient, HubServiceClient
from .core.api_error import ApiError
from .environment import HubServiceClientEnvironment
from .service_api import AsyncServiceApiClient, ServiceApiClient
from .types import (
    HalLink,
    LogEntry,
    LogEntrySeverity,
    RequestBody,
    ResultResponse,
    ResultResponseEmbedded,
    ResultResponseLinks,
    ServiceExecution,
    ServiceExecutionStatus,
    ServiceExecutionType,
)

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


# Every other public type name of the vendor's package: the generated models, on first use.
from .._core.lazy import lazy_module as _lazy_module

__getattr__, __dir__ = _lazy_module(__name__, {}, fallback="qhub.api.service._generated.models")
