"""``HubPlatformClient`` / ``AsyncHubPlatformClient``: the Platform API (first slice)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

import httpx

from .._core.client import AsyncClientBase, SyncClientBase, api_key_credentials, build_settings
from .._core.logs import LoggingOption
from .data_pool_grants import AsyncDataPoolGrantsClient, DataPoolGrantsClient
from .data_pools import AsyncDataPoolsClient, DataPoolsClient
from .environment import HubPlatformClientEnvironment

__all__ = ["AsyncHubPlatformClient", "HubPlatformClient"]


class HubPlatformClient(SyncClientBase):
    """Client of the Platform API (data pools and grants so far).

    Args:
        api_key: personal access token or execution token, sent as ``X-Auth-Token``.
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
        environment: HubPlatformClientEnvironment | None = HubPlatformClientEnvironment.DEFAULT,
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
    def data_pool_grants(self) -> DataPoolGrantsClient:
        """Grants for data pools."""
        return DataPoolGrantsClient(self._pipeline)

    @cached_property
    def data_pools(self) -> DataPoolsClient:
        """Data pools."""
        return DataPoolsClient(self._pipeline)


class AsyncHubPlatformClient(AsyncClientBase):
    """The async twin of :class:`HubPlatformClient`."""

    def __init__(
        self,
        *,
        api_key: str | None,
        organization_id: str | None = None,
        base_url: str | None = None,
        environment: HubPlatformClientEnvironment | None = HubPlatformClientEnvironment.DEFAULT,
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
    def data_pool_grants(self) -> AsyncDataPoolGrantsClient:
        """Grants for data pools."""
        return AsyncDataPoolGrantsClient(self._pipeline)

    @cached_property
    def data_pools(self) -> AsyncDataPoolsClient:
        """Data pools."""
        return AsyncDataPoolsClient(self._pipeline)
