"""``HubQuantumClient`` / ``AsyncHubQuantumClient``: the Quantum API (first slice)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

import httpx

from .._core.client import AsyncClientBase, SyncClientBase, api_key_credentials, build_settings
from .._core.logs import LoggingOption
from .backends import AsyncBackendsClient, BackendsClient
from .environment import HubQuantumClientEnvironment
from .jobs import AsyncJobsClient, JobsClient
from .runtime_minutes import AsyncRuntimeMinutesClient, RuntimeMinutesClient
from .sessions import AsyncSessionsClient, SessionsClient
from .workloads import AsyncWorkloadsClient, WorkloadsClient

__all__ = ["AsyncHubQuantumClient", "HubQuantumClient"]


class HubQuantumClient(SyncClientBase):
    """Client of the Quantum API (backends and jobs so far).

    Args:
        api_key: personal access token or service execution token, sent as ``X-Auth-Token``
            (``None`` for the public backend listing only).
        organization_id: sent as ``X-OrganizationId`` (it replaces a same-named header).
        base_url / environment / headers / timeout / max_retries / follow_redirects /
            httpx_client / logging: as for every client (see ``qhub.api.service``).
    """

    def __init__(
        self,
        *,
        api_key: str | None,
        organization_id: str | None = None,
        base_url: str | None = None,
        environment: HubQuantumClientEnvironment | None = HubQuantumClientEnvironment.DEFAULT,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        follow_redirects: bool | None = True,
        httpx_client: httpx.Client | None = None,
        logging: LoggingOption = None,
    ) -> None:
        auth, required = api_key_credentials(api_key, organization_id)
        settings = build_settings(
            base_url=base_url,
            environment=environment,
            auth=auth,
            headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            follow_redirects=follow_redirects,
            logging=logging,
            injected_client=httpx_client is not None,
            required_headers=required,
        )
        super().__init__(settings, httpx_client)

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


class AsyncHubQuantumClient(AsyncClientBase):
    """The async twin of :class:`HubQuantumClient`."""

    def __init__(
        self,
        *,
        api_key: str | None,
        organization_id: str | None = None,
        base_url: str | None = None,
        environment: HubQuantumClientEnvironment | None = HubQuantumClientEnvironment.DEFAULT,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        follow_redirects: bool | None = True,
        httpx_client: httpx.AsyncClient | None = None,
        logging: LoggingOption = None,
    ) -> None:
        auth, required = api_key_credentials(api_key, organization_id)
        settings = build_settings(
            base_url=base_url,
            environment=environment,
            auth=auth,
            headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            follow_redirects=follow_redirects,
            logging=logging,
            injected_client=httpx_client is not None,
            required_headers=required,
        )
        super().__init__(settings, httpx_client)

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
