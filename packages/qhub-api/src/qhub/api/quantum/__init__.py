"""The Quantum API client: backends, jobs, sessions, workloads and runtime minutes.

>>> from qhub.api.quantum import HubQuantumClient
>>> client = HubQuantumClient(api_key="...")  # doctest: +SKIP
>>> job = client.jobs.create_job(backend_id="aws.sim.sv1", shots=1000, input=...)  # doctest: +SKIP
>>> client.jobs.wait(job.id)  # doctest: +SKIP
"""

from .._core.options import RequestOptions
from .client import AsyncHubQuantumClient, HubQuantumClient
from .core.api_error import ApiError
from .environment import HubQuantumClientEnvironment
from .types import (
    AzureIonqJobInputCircuitItem,
    Backend,
    BackendStateInfo,
    BackendStateInfoStatus,
    Job,
    JobInputFormat,
    JobStatus,
    JobStatusResponse,
    PageResponseJob,
    RuntimeMinutesAllowance,
    RuntimeMinutesResponse,
    Session,
    SessionMode,
    SessionStatus,
    SessionStatusResponse,
    WorkloadResponse,
    WorkloadResponseType,
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
