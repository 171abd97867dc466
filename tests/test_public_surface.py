"""The public surface: sync/async twins match, and each module's __all__ is pinned."""

from __future__ import annotations

import importlib
import inspect

import pytest

TWINS = [
    ("qhub.api.service", "HubServiceClient", "AsyncHubServiceClient"),
    ("qhub.api.service", "ServiceApiClient", "AsyncServiceApiClient"),
    ("qhub.service.client", "HubServiceClient", "AsyncHubServiceClient"),
    ("qhub.service.client", "HubServiceExecution", "AsyncHubServiceExecution"),
    ("qhub.api.platform", "HubPlatformClient", "AsyncHubPlatformClient"),
    ("qhub.api.quantum", "HubQuantumClient", "AsyncHubQuantumClient"),
    ("qhub.api.quantum.jobs", "JobsClient", "AsyncJobsClient"),
    ("qhub.api.quantum.backends", "BackendsClient", "AsyncBackendsClient"),
    ("qhub.api.quantum.sessions", "SessionsClient", "AsyncSessionsClient"),
    ("qhub.api.quantum.workloads", "WorkloadsClient", "AsyncWorkloadsClient"),
    ("qhub.api.quantum.runtime_minutes", "RuntimeMinutesClient", "AsyncRuntimeMinutesClient"),
]


def public_methods(cls: type) -> dict[str, inspect.Signature | None]:
    """Public attributes of a class with their signatures (None for properties)."""
    members: dict[str, inspect.Signature | None] = {}
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") or name == "sleep":
            continue
        members[name] = inspect.signature(member) if callable(member) else None
    return members


@pytest.mark.parametrize(("module", "sync_name", "async_name"), TWINS)
def test_sync_and_async_twins_have_the_same_public_methods(
    module: str, sync_name: str, async_name: str
) -> None:
    """Every public method exists on both twins, with the same parameters."""
    mod = importlib.import_module(module)
    sync_members = public_methods(getattr(mod, sync_name))
    async_members = public_methods(getattr(mod, async_name))
    # has_finished: a refreshing property on the sync execution, a coroutine method on the async one.
    assert sync_members.keys() == async_members.keys()
    for name, signature in sync_members.items():
        other = async_members[name]
        if signature is None or other is None:
            continue
        assert list(signature.parameters) == list(other.parameters) or name == "__init__", name


PINNED_ALL = {
    "qhub.api.quantum": [
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
    ],
    "qhub.api.quantum.jobs": [
        "AsyncJobsClient",
        "CreateJobRequestInput",
        "CreateJobRequestInput_AqtQpuIbex",
        "CreateJobRequestInput_AqtSimIdeal",
        "CreateJobRequestInput_AwsIonqForte",
        "CreateJobRequestInput_AwsIonqForteEnterprise",
        "CreateJobRequestInput_AwsQueraAquila",
        "CreateJobRequestInput_AwsRigettiCepheus",
        "CreateJobRequestInput_AwsSimDm1",
        "CreateJobRequestInput_AwsSimSv1",
        "CreateJobRequestInput_AzureIonqSimulator",
        "CreateJobRequestInput_IbmQpuAachen",
        "CreateJobRequestInput_IbmQpuBerlin",
        "CreateJobRequestInput_IbmQpuBoston",
        "CreateJobRequestInput_IbmQpuFez",
        "CreateJobRequestInput_IbmQpuKingston",
        "CreateJobRequestInput_IbmQpuMarrakesh",
        "CreateJobRequestInput_IbmQpuMiami",
        "CreateJobRequestInput_IbmQpuPhoenix",
        "CreateJobRequestInput_IbmQpuPittsburgh",
        "CreateJobRequestInput_IqmQpuEmerald",
        "CreateJobRequestInput_IqmQpuGarnet",
        "CreateJobRequestInput_KipuSimQsim",
        "CreateJobRequestInput_QuandelaQpuBelenos",
        "CreateJobRequestInput_QuandelaSimBelenos",
        "CreateJobRequestInput_QudoraSimXg1",
        "JobsClient",
    ],
    "qhub.api.service": [
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
    ],
    "qhub.service.client": [
        "DEFAULT_PLATFORM_ENDPOINT",
        "DEFAULT_TOKEN_ENDPOINT",
        "AsyncHubServiceClient",
        "AsyncHubServiceExecution",
        "AuthenticationError",
        "HubPlatformClient",
        "HubServiceClient",
        "HubServiceExecution",
        "Result",
    ],
    "qhub.api.platform": [
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
    ],
    "qhub.api.credentials": [
        "ConfigFileCredential",
        "CredentialProvider",
        "CredentialUnavailableError",
        "DefaultCredentialsProvider",
        "EnvironmentCredential",
        "StaticCredential",
        "config_file_candidates",
        "load_config_file",
    ],
    "qhub.api.context": ["Context", "ContextError", "ContextResolver"],
    "qhub.local.server": ["EXAMPLE_WORKSPACE", "Connection", "LocalHub", "LocalUser"],
    "qhub.local.testing": ["JobLifecycle", "JobLimits", "local_hub", "local_hub_factory"],
    "qhub.local.runtime": [
        "DataPool",
        "HandlerError",
        "SecretValue",
        "write_binary_output",
        "write_string_output",
    ],
    "qhub.service.datapool": [
        "DataPoolGrant",
        "DataPoolPermission",
        "DataPoolReference",
        "GrantCache",
        "ReferenceType",
    ],
}


@pytest.mark.parametrize("module", sorted(PINNED_ALL))
def test_public_names_are_pinned(module: str) -> None:
    """Adding or removing a public name is a deliberate change to this list."""
    mod = importlib.import_module(module)
    assert sorted(mod.__all__) == sorted(PINNED_ALL[module])
    for name in mod.__all__:
        assert getattr(mod, name) is not None


def test_no_namespace_init() -> None:
    """`qhub` is a PEP 420 namespace shared by three distributions: no qhub/__init__.py."""
    import qhub

    assert getattr(qhub, "__file__", None) is None
    assert len(list(qhub.__path__)) == 3
