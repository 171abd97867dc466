"""``HubPlatformClient`` / ``AsyncHubPlatformClient``: the Platform API, all 27 namespaces.

The namespaces and their operations are generated from ``spec/platform.json``
(``_generated/``); this module only fixes the default deployment.
"""

from __future__ import annotations

from .._core import environment_variables
from ._generated.client import AsyncHubPlatformClientNamespaces, HubPlatformClientNamespaces
from .environment import HubPlatformClientEnvironment

__all__ = ["AsyncHubPlatformClient", "HubPlatformClient"]


class HubPlatformClient(HubPlatformClientNamespaces):
    """Client of the Platform API: catalog, applications, data pools, executions, billing, …

    Args:
        api_key: personal access token or execution token, sent as ``X-Auth-Token``.
        organization_id: sent as ``X-OrganizationId`` (it replaces a same-named header); the
            seeds' ``headers={"X-OrganizationId": ...}`` works too.
        base_url / environment / headers / timeout / max_retries / follow_redirects /
            httpx_client / logging: as for every client (see ``qhub.api.service``).

    Every namespace (``services``, ``data_pools``, ``applications``, …) is created on first
    use and has a ``with_raw_response`` twin returning status, headers and data.
    """

    DEFAULT_ENVIRONMENT = HubPlatformClientEnvironment.DEFAULT
    BASE_URL_VARIABLE = environment_variables.PLATFORM_BASE_URL


class AsyncHubPlatformClient(AsyncHubPlatformClientNamespaces):
    """The async twin of :class:`HubPlatformClient` (every method is awaitable)."""

    DEFAULT_ENVIRONMENT = HubPlatformClientEnvironment.DEFAULT
    BASE_URL_VARIABLE = environment_variables.PLATFORM_BASE_URL
