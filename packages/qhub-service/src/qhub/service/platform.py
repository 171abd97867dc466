"""``HubPlatformClient``: the thin Platform API wrapper ``HubServiceClient`` uses for grants."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from qhub.api._core.environment_variables import (
    PLATFORM_BASE_URL,
    DefaultEndpoint,
    resolve_endpoint,
)

if TYPE_CHECKING:
    from qhub.api.platform import AsyncHubPlatformClient
    from qhub.api.platform import HubPlatformClient as ApiPlatformClient

__all__ = ["DEFAULT_PLATFORM_ENDPOINT", "HubPlatformClient"]

DEFAULT_PLATFORM_ENDPOINT = DefaultEndpoint("https://api.hub.kipu-quantum.com/qc-catalog")


class HubPlatformClient:
    """Platform API access for data pool grants.

    Args:
        api_key: personal access token (or execution token); resolved with
            ``DefaultCredentialsProvider`` (environment, ``qhubctl`` config) when omitted.
        organization_id: sent as ``X-OrganizationId``; resolved from ``KQH_ORGANIZATION_ID``
            or the ``qhubctl`` context when omitted.
        platform_endpoint: the Platform API's base URL; when not given, the environment
            variable ``QHUB_PLATFORM_BASE_URL`` if set, else the Hub's.

    Raises:
        CredentialUnavailableError: no ``api_key`` given and none found.
    """

    def __init__(
        self,
        api_key: str | None = None,
        organization_id: str | None = None,
        platform_endpoint: str = DEFAULT_PLATFORM_ENDPOINT,
    ) -> None:
        # Imported here: grants are rare, and importing qhub.service.client should stay light.
        from qhub.api.context import ContextResolver
        from qhub.api.credentials import DefaultCredentialsProvider

        self._api_key = DefaultCredentialsProvider(api_key).get_access_token()
        self.organization_id = organization_id or ContextResolver().get_organization_id()
        self.platform_endpoint = resolve_endpoint(platform_endpoint, PLATFORM_BASE_URL)

    @classmethod
    def from_ambient_credentials(cls) -> HubPlatformClient | None:
        """A client from the environment or ``qhubctl`` config, or ``None`` if there are none."""
        from qhub.api.credentials import CredentialUnavailableError

        try:
            return cls()
        except CredentialUnavailableError:
            return None

    @cached_property
    def client(self) -> ApiPlatformClient:
        """The full ``qhub.api.platform`` client behind this wrapper."""
        from qhub.api.platform import HubPlatformClient as ApiPlatformClient

        return ApiPlatformClient(
            api_key=self._api_key,
            base_url=self.platform_endpoint,
            organization_id=self.organization_id,
        )

    @cached_property
    def async_client(self) -> AsyncHubPlatformClient:
        """The async ``qhub.api.platform`` client behind this wrapper."""
        from qhub.api.platform import AsyncHubPlatformClient

        return AsyncHubPlatformClient(
            api_key=self._api_key,
            base_url=self.platform_endpoint,
            organization_id=self.organization_id,
        )

    @property
    def data_pool_grants(self) -> Any:
        """The ``/datapools/{id}/grants`` operations."""
        return self.client.data_pool_grants

    @property
    def async_data_pool_grants(self) -> Any:
        """The ``/datapools/{id}/grants`` operations, async."""
        return self.async_client.data_pool_grants

    def close(self) -> None:
        """Close the connections of the client behind this wrapper, if one was made."""
        client = self.__dict__.pop("client", None)
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        """Close the connections of both clients behind this wrapper, if they were made."""
        async_client = self.__dict__.pop("async_client", None)
        if async_client is not None:
            await async_client.close()
        self.close()

    def __repr__(self) -> str:
        return (
            f"HubPlatformClient(platform_endpoint={self.platform_endpoint!r}, "
            f"organization_id={self.organization_id!r}, api_key=<hidden>)"
        )
