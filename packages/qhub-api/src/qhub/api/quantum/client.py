"""``HubQuantumClient`` / ``AsyncHubQuantumClient``: the Quantum API.

The namespaces are generated from ``spec/quantum.json`` (``_generated/``); ``jobs``,
``sessions`` and ``workloads`` are the hand-written extensions of theirs (``wait``,
``open``, the page iterators).
"""

from __future__ import annotations

from functools import cached_property

from .._core import environment_variables
from ._generated.client import AsyncHubQuantumClientNamespaces, HubQuantumClientNamespaces
from .environment import HubQuantumClientEnvironment
from .jobs.client import AsyncJobsClient, JobsClient
from .sessions import AsyncSessionsClient, SessionsClient
from .workloads import AsyncWorkloadsClient, WorkloadsClient

__all__ = ["AsyncHubQuantumClient", "HubQuantumClient"]


class HubQuantumClient(HubQuantumClientNamespaces):
    """Client of the Quantum API: backends, jobs, sessions, workloads, runtime minutes.

    Args:
        api_key: personal access token or service execution token, sent as ``X-Auth-Token``
            (``None`` for the public backend listing only).
        organization_id: sent as ``X-OrganizationId`` (it replaces a same-named header).
        base_url / environment / headers / timeout / max_retries / follow_redirects /
            httpx_client / logging: as for every client (see ``qhub.api.service``).

    Every namespace has a ``with_raw_response`` twin returning status, headers and data.
    """

    DEFAULT_ENVIRONMENT = HubQuantumClientEnvironment.DEFAULT
    BASE_URL_VARIABLE = environment_variables.QUANTUM_BASE_URL

    @cached_property
    def jobs(self) -> JobsClient:
        """Jobs: submit, follow, wait, results, cancel."""
        return JobsClient(self._pipeline)

    @cached_property
    def sessions(self) -> SessionsClient:
        """Sessions: group jobs on one backend; ``open()`` for a ``with`` block."""
        return SessionsClient(self._pipeline)

    @cached_property
    def workloads(self) -> WorkloadsClient:
        """Workloads: jobs and sessions in one listing."""
        return WorkloadsClient(self._pipeline)


class AsyncHubQuantumClient(AsyncHubQuantumClientNamespaces):
    """The async twin of :class:`HubQuantumClient`."""

    DEFAULT_ENVIRONMENT = HubQuantumClientEnvironment.DEFAULT
    BASE_URL_VARIABLE = environment_variables.QUANTUM_BASE_URL

    @cached_property
    def jobs(self) -> AsyncJobsClient:
        """Jobs: submit, follow, wait, results, cancel."""
        return AsyncJobsClient(self._pipeline)

    @cached_property
    def sessions(self) -> AsyncSessionsClient:
        """Sessions: ``async with client.sessions.open(...)``."""
        return AsyncSessionsClient(self._pipeline)

    @cached_property
    def workloads(self) -> AsyncWorkloadsClient:
        """Workloads: jobs and sessions in one listing."""
        return AsyncWorkloadsClient(self._pipeline)
