"""``HubQuantumClient`` / ``AsyncHubQuantumClient``: the Quantum API."""

from __future__ import annotations

from functools import cached_property

from .._core.client import AsyncApiKeyClient, SyncApiKeyClient
from .backends import AsyncBackendsClient, BackendsClient
from .environment import HubQuantumClientEnvironment
from .jobs import AsyncJobsClient, JobsClient
from .runtime_minutes import AsyncRuntimeMinutesClient, RuntimeMinutesClient
from .sessions import AsyncSessionsClient, SessionsClient
from .workloads import AsyncWorkloadsClient, WorkloadsClient

__all__ = ["AsyncHubQuantumClient", "HubQuantumClient"]


class HubQuantumClient(SyncApiKeyClient):
    """Client of the Quantum API: backends, jobs, sessions, workloads, runtime minutes.

    Args:
        api_key: personal access token or service execution token, sent as ``X-Auth-Token``
            (``None`` for the public backend listing only).
        organization_id: sent as ``X-OrganizationId`` (it replaces a same-named header).
        base_url / environment / headers / timeout / max_retries / follow_redirects /
            httpx_client / logging: as for every client (see ``qhub.api.service``).
    """

    DEFAULT_ENVIRONMENT = HubQuantumClientEnvironment.DEFAULT

    @cached_property
    def backends(self) -> BackendsClient:
        """Backends: list, inspect, status, configuration."""
        return BackendsClient(self._pipeline)

    @cached_property
    def jobs(self) -> JobsClient:
        """Jobs: submit, follow, wait, results, cancel."""
        return JobsClient(self._pipeline)

    @cached_property
    def sessions(self) -> SessionsClient:
        """Sessions: group jobs on one backend."""
        return SessionsClient(self._pipeline)

    @cached_property
    def workloads(self) -> WorkloadsClient:
        """Workloads: jobs and sessions in one filtered listing."""
        return WorkloadsClient(self._pipeline)

    @cached_property
    def runtime_minutes(self) -> RuntimeMinutesClient:
        """Runtime allowances per provider."""
        return RuntimeMinutesClient(self._pipeline)


class AsyncHubQuantumClient(AsyncApiKeyClient):
    """The async twin of :class:`HubQuantumClient`."""

    DEFAULT_ENVIRONMENT = HubQuantumClientEnvironment.DEFAULT

    @cached_property
    def backends(self) -> AsyncBackendsClient:
        """Backends: list, inspect, status, configuration."""
        return AsyncBackendsClient(self._pipeline)

    @cached_property
    def jobs(self) -> AsyncJobsClient:
        """Jobs: submit, follow, wait, results, cancel."""
        return AsyncJobsClient(self._pipeline)

    @cached_property
    def sessions(self) -> AsyncSessionsClient:
        """Sessions: group jobs on one backend."""
        return AsyncSessionsClient(self._pipeline)

    @cached_property
    def workloads(self) -> AsyncWorkloadsClient:
        """Workloads: jobs and sessions in one filtered listing."""
        return AsyncWorkloadsClient(self._pipeline)

    @cached_property
    def runtime_minutes(self) -> AsyncRuntimeMinutesClient:
        """Runtime allowances per provider."""
        return AsyncRuntimeMinutesClient(self._pipeline)
