"""``HubPlatformClient`` / ``AsyncHubPlatformClient``: the Platform API (first slice)."""

from __future__ import annotations

from functools import cached_property

from .._core.client import AsyncApiKeyClient, SyncApiKeyClient
from .data_pool_grants import AsyncDataPoolGrantsClient, DataPoolGrantsClient
from .data_pools import AsyncDataPoolsClient, DataPoolsClient
from .environment import HubPlatformClientEnvironment

__all__ = ["AsyncHubPlatformClient", "HubPlatformClient"]


class HubPlatformClient(SyncApiKeyClient):
    """Client of the Platform API (data pools and grants so far).

    Args:
        api_key: personal access token or execution token, sent as ``X-Auth-Token``.
        organization_id: sent as ``X-OrganizationId`` (it replaces a same-named header).
        base_url / environment / headers / timeout / max_retries / follow_redirects /
            httpx_client / logging: as for every client (see ``qhub.api.service``).
    """

    DEFAULT_ENVIRONMENT = HubPlatformClientEnvironment.DEFAULT

    @cached_property
    def data_pool_grants(self) -> DataPoolGrantsClient:
        """Grants for data pools."""
        return DataPoolGrantsClient(self._pipeline)

    @cached_property
    def data_pools(self) -> DataPoolsClient:
        """Data pools."""
        return DataPoolsClient(self._pipeline)


class AsyncHubPlatformClient(AsyncApiKeyClient):
    """The async twin of :class:`HubPlatformClient`."""

    DEFAULT_ENVIRONMENT = HubPlatformClientEnvironment.DEFAULT

    @cached_property
    def data_pool_grants(self) -> AsyncDataPoolGrantsClient:
        """Grants for data pools."""
        return AsyncDataPoolGrantsClient(self._pipeline)

    @cached_property
    def data_pools(self) -> AsyncDataPoolsClient:
        """Data pools."""
        return AsyncDataPoolsClient(self._pipeline)
