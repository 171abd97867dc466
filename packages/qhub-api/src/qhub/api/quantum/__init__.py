"""The Quantum API client: backends, jobs, sessions, workloads and runtime minutes.

>>> from qhub.api.quantum import HubQuantumClient
>>> client = HubQuantumClient(api_key="...")  # doctest: +SKIP
>>> job = client.jobs.create_job(backend_id="aws.sim.sv1", shots=1000, input=...)  # doctest: +SKIP
>>> client.jobs.wait(job.id)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core.lazy import lazy_module

if TYPE_CHECKING:
    from .._core.errors import ApiError as ApiError
    from .._core.options import RequestOptions as RequestOptions
    from .client import AsyncHubQuantumClient as AsyncHubQuantumClient
    from .client import HubQuantumClient as HubQuantumClient
    from .environment import HubQuantumClientEnvironment as HubQuantumClientEnvironment
    from .types import (
        AzureIonqJobInputCircuitItem as AzureIonqJobInputCircuitItem,
    )
    from .types import (
        Backend as Backend,
    )
    from .types import (
        BackendStateInfo as BackendStateInfo,
    )
    from .types import (
        BackendStateInfoStatus as BackendStateInfoStatus,
    )
    from .types import (
        Job as Job,
    )
    from .types import (
        JobInputFormat as JobInputFormat,
    )
    from .types import (
        JobStatus as JobStatus,
    )
    from .types import (
        JobStatusResponse as JobStatusResponse,
    )
    from .types import (
        PageResponseJob as PageResponseJob,
    )
    from .types import (
        RuntimeMinutesAllowance as RuntimeMinutesAllowance,
    )
    from .types import (
        RuntimeMinutesResponse as RuntimeMinutesResponse,
    )
    from .types import (
        Session as Session,
    )
    from .types import (
        SessionMode as SessionMode,
    )
    from .types import (
        SessionStatus as SessionStatus,
    )
    from .types import (
        SessionStatusResponse as SessionStatusResponse,
    )
    from .types import (
        WorkloadResponse as WorkloadResponse,
    )
    from .types import (
        WorkloadResponseType as WorkloadResponseType,
    )

__all__ = [
    "ApiError",
    "AsyncHubQuantumClient",
    "AzureIonqJobInputCircuitItem",
    "Backend",
    "BackendStateInfo",
    "BackendStateInfoStatus",
    "HubQuantumClient",
    "HubQuantumClientEnvironment",
    "Job",
    "JobInputFormat",
    "JobStatus",
    "JobStatusResponse",
    "PageResponseJob",
    "RequestOptions",
    "RuntimeMinutesAllowance",
    "RuntimeMinutesResponse",
    "Session",
    "SessionMode",
    "SessionStatus",
    "SessionStatusResponse",
    "WorkloadResponse",
    "WorkloadResponseType",
]

# Names resolve on first use: the clients load httpx and pydantic, the models build then.
__getattr__, __dir__ = lazy_module(
    __name__,
    {
        "ApiError": "qhub.api._core.errors",
        "AsyncHubQuantumClient": "qhub.api.quantum.client",
        "HubQuantumClient": "qhub.api.quantum.client",
        "HubQuantumClientEnvironment": "qhub.api.quantum.environment",
        "RequestOptions": "qhub.api._core.options",
        "AzureIonqJobInputCircuitItem": "qhub.api.quantum.types",
        "Backend": "qhub.api.quantum.types",
        "BackendStateInfo": "qhub.api.quantum.types",
        "BackendStateInfoStatus": "qhub.api.quantum.types",
        "Job": "qhub.api.quantum.types",
        "JobInputFormat": "qhub.api.quantum.types",
        "JobStatus": "qhub.api.quantum.types",
        "JobStatusResponse": "qhub.api.quantum.types",
        "PageResponseJob": "qhub.api.quantum.types",
        "RuntimeMinutesAllowance": "qhub.api.quantum.types",
        "RuntimeMinutesResponse": "qhub.api.quantum.types",
        "Session": "qhub.api.quantum.types",
        "SessionMode": "qhub.api.quantum.types",
        "SessionStatus": "qhub.api.quantum.types",
        "SessionStatusResponse": "qhub.api.quantum.types",
        "WorkloadResponse": "qhub.api.quantum.types",
        "WorkloadResponseType": "qhub.api.quantum.types",
        "BadGatewayError": "qhub.api._core.errors",
        "BadRequestError": "qhub.api._core.errors",
        "ForbiddenError": "qhub.api._core.errors",
        "InternalServerError": "qhub.api._core.errors",
        "NotFoundError": "qhub.api._core.errors",
        "UnauthorizedError": "qhub.api._core.errors",
        "UnprocessableEntityError": "qhub.api._core.errors",
    },
    fallback="qhub.api.quantum.types",
)
