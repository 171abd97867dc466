"""``HubServiceClient``: run a managed service's executions through its gateway.

>>> client = HubServiceClient(endpoint, access_key_id, secret_access_key)  # doctest: +SKIP
>>> execution = client.run(request={"values": [2], "shots": 100})          # doctest: +SKIP
>>> execution.wait_for_final_state(timeout=300)                            # doctest: +SKIP
>>> execution.result()                                                     # doctest: +SKIP

Authentication is OAuth 2.0 client credentials with the application's access key; without
one the client is anonymous (a random bearer token), for local gateways that don't check.

Importing this module is cheap: httpx, pydantic and the REST client are imported when the
first client is constructed (scripts that only import, or only use the CLI, never pay).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from qhub.api._core.arguments import exactly_one
from qhub.api._core.environment_variables import TOKEN_ENDPOINT, DefaultEndpoint, resolve_endpoint

from .platform import DEFAULT_PLATFORM_ENDPOINT, HubPlatformClient

if TYPE_CHECKING:
    import httpx

    from qhub.api._core.logs import LoggingOption
    from qhub.api.service import AsyncServiceApiClient, ServiceApiClient

    from ._oauth import AuthenticationError, ClientCredentialsAuth
    from .datapool import DataPoolGrant, DataPoolReference
    from .execution import AsyncHubServiceExecution, HubServiceExecution, Result

__all__ = [
    "DEFAULT_PLATFORM_ENDPOINT",
    "DEFAULT_TOKEN_ENDPOINT",
    "AsyncHubServiceClient",
    "AsyncHubServiceExecution",
    "AuthenticationError",
    "HubPlatformClient",
    "HubServiceClient",
    "HubServiceExecution",
    "Result",
]

DEFAULT_TOKEN_ENDPOINT = DefaultEndpoint("https://gateway.hub.kipu-quantum.com/token")
PARENT_TOKEN_ENV = "KQH_SERVICE_EXECUTION_TOKEN"  # noqa: S105 - a variable name
PARENT_TOKEN_HEADER = "X-Parent-Execution-Token"  # noqa: S105 - a header name
MISSING_PLATFORM_CLIENT = "api_key is required for data pool grant acquisition"

_LAZY = {
    "AuthenticationError": "._oauth",
    "HubServiceExecution": ".execution",
    "AsyncHubServiceExecution": ".execution",
    "Result": ".execution",
}


def __getattr__(name: str) -> Any:
    """Load the heavier public names on first use (PEP 562)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _require_text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value


def _is_hub_or_local_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".kipu-quantum.com") or host == "kipu-quantum.com":
        return True
    import ipaddress  # deferred: only needed when a parent execution token is set

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _ServiceClientBase:
    """What both twins share: credentials, request bodies, the grant cache (no I/O)."""

    def __init__(
        self,
        service_endpoint: str,
        access_key_id: str | None,
        secret_access_key: str | None,
        token_endpoint: str,
        platform_client: HubPlatformClient | None,
        *,
        timeout: float | None,
        max_retries: int | None,
        logging: LoggingOption,
        httpx_client: httpx.Client | httpx.AsyncClient | None,
    ) -> None:
        import httpx

        from qhub.api._core.logs import resolve_logger
        from qhub.api._core.pipeline import DEFAULT_MAX_RETRIES

        from ._oauth import ClientCredentialsAuth
        from .datapool import GrantCache

        _require_text(service_endpoint, "service_endpoint")
        if (access_key_id is None) != (secret_access_key is None):
            raise ValueError(
                "access_key_id and secret_access_key must be given together, or both omitted "
                "for an anonymous (local) gateway"
            )
        self.service_endpoint = service_endpoint
        self.token_endpoint = resolve_endpoint(token_endpoint, TOKEN_ENDPOINT)
        self._oauth: ClientCredentialsAuth | None = None
        self._auth: httpx.Auth | str
        if access_key_id is not None and secret_access_key is not None:
            _require_text(access_key_id, "access_key_id")
            _require_text(secret_access_key, "secret_access_key")
            # The token requests share the gateway's options: the same injected client
            # (proxies, TLS), timeout, retry budget and logger.
            self._oauth = ClientCredentialsAuth(
                self.token_endpoint,
                access_key_id,
                secret_access_key,
                timeout=timeout,
                max_retries=DEFAULT_MAX_RETRIES if max_retries is None else max_retries,
                logger=resolve_logger(logging),
                http_client=httpx_client if isinstance(httpx_client, httpx.Client) else None,
                async_http_client=(
                    httpx_client if isinstance(httpx_client, httpx.AsyncClient) else None
                ),
            )
            self._auth = self._oauth
        else:
            import secrets  # deferred: anonymous mode only

            self._auth = secrets.token_urlsafe(16)
        self._platform_client = platform_client
        self._platform_resolved = platform_client is not None
        #: Whether this client made its Platform client (from ambient credentials), and so
        #: closes it; one it was given belongs to the caller.
        self._owns_platform_client = False
        self.grant_cache = GrantCache()
        self._headers: dict[str, str] = {}
        parent = os.environ.get(PARENT_TOKEN_ENV)
        if parent and _is_hub_or_local_host(service_endpoint):
            self._headers[PARENT_TOKEN_HEADER] = parent

    @property
    def platform_client(self) -> HubPlatformClient | None:
        """The Platform client used for grants: the one given, or one from ambient credentials.

        Resolved on first use, so constructing a client never reads config files.
        """
        if not self._platform_resolved:
            self._platform_client = HubPlatformClient.from_ambient_credentials()
            self._platform_resolved = True
            self._owns_platform_client = self._platform_client is not None
        return self._platform_client

    def _require_platform_client(self) -> HubPlatformClient:
        platform = self.platform_client
        if platform is None:
            raise ValueError(MISSING_PLATFORM_CLIENT)
        return platform

    @staticmethod
    def _body(
        request: Mapping[str, Any],
        secrets: Mapping[str, Any] | None,
        tags: Sequence[str] | None,
    ) -> dict[str, Any]:
        """A copy of ``request`` with ``$tags``/``$secrets`` added where the caller has none."""
        if not isinstance(request, Mapping):
            raise TypeError(f"request must be a dict, not {type(request).__name__}")
        body = dict(request)
        if tags is not None and "$tags" not in body:
            if isinstance(tags, str) or not all(isinstance(tag, str) for tag in tags):
                raise TypeError("tags must be a list of strings")
            body["$tags"] = list(tags)
        if secrets is not None and "$secrets" not in body:
            if not isinstance(secrets, Mapping):
                raise TypeError(f"secrets must be a dict, not {type(secrets).__name__}")
            body["$secrets"] = dict(secrets)
        return body

    @staticmethod
    def _checked_grants(grants: Sequence[DataPoolGrant] | None) -> list[DataPoolGrant]:
        from .datapool import DataPoolGrant

        if grants is None:
            return []
        if not all(isinstance(grant, DataPoolGrant) for grant in grants):
            raise TypeError("grants must be a list of DataPoolGrant")
        return list(grants)

    def __repr__(self) -> str:
        mode = "client credentials" if self._oauth else "anonymous"
        return f"{type(self).__name__}(service_endpoint={self.service_endpoint!r}, auth={mode!r})"


def _execution_id(id: str | None, service_execution_id: str | None) -> str:
    """The seeds' ``id`` or the vendor's ``service_execution_id``: exactly one of them."""
    return exactly_one(id, service_execution_id, "id", "service_execution_id")


class HubServiceClient(_ServiceClientBase):
    """Runs and inspects executions of one managed service.

    Args:
        service_endpoint: the service's gateway URL.
        access_key_id / secret_access_key: the application's access key; give both, or
            neither for an anonymous local gateway.
        token_endpoint: the OAuth 2.0 token endpoint; when not given, the environment
            variable ``QHUB_TOKEN_ENDPOINT`` if set, else the Hub's.
        platform_client: used for data pool grants; by default one is created from ambient
            credentials (``qhubctl login``, environment) the first time grants are used.
        timeout: total seconds per gateway call, retries included (60 by default, left to
            ``httpx_client``'s own timeouts when one is injected); also the limit of each
            token request (10 s by default).
        max_retries: retries after a transient failure (default 2), for gateway calls as
            for token requests (a token request is always safe to resend; a POST starting an
            execution is resent only when it never reached the gateway).
        logging: a ``logging.Logger`` or a ``{"level", "logger", "silent"}`` dict; gateway
            calls and token requests are logged there (method, URL, status, duration; never
            a token or the secret). By default the ``qhub.api`` logger.
        httpx_client: an ``httpx.Client`` for the gateway and the token endpoint (proxies,
            TLS, transports); ``close()`` leaves it open.

    Raises:
        ValueError: only one of the two access key parts was given, or one is empty; or
            ``timeout``/``max_retries`` is out of range.
        TypeError: ``httpx_client`` is not an ``httpx.Client``.
    """

    def __init__(
        self,
        service_endpoint: str,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        token_endpoint: str = DEFAULT_TOKEN_ENDPOINT,
        platform_client: HubPlatformClient | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        logging: LoggingOption = None,
        httpx_client: httpx.Client | None = None,
    ) -> None:
        from qhub.api.service import HubServiceClient as ApiClient

        super().__init__(
            service_endpoint,
            access_key_id,
            secret_access_key,
            token_endpoint,
            platform_client,
            timeout=timeout,
            max_retries=max_retries,
            logging=logging,
            httpx_client=httpx_client,
        )
        self._client = ApiClient(
            base_url=service_endpoint,
            token=self._auth,
            headers=self._headers,
            timeout=timeout,
            max_retries=max_retries,
            logging=logging,
            httpx_client=httpx_client,
        )

    @property
    def api(self) -> ServiceApiClient:
        """The low-level gateway operations (``qhub.api.service``'s ``service_api``)."""
        return self._client.service_api

    def run(
        self,
        request: dict[str, Any],
        secrets: dict[str, Any] | None = None,
        tags: list[str] | None = None,
        grants: list[DataPoolGrant] | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> HubServiceExecution:
        """Start an execution and return it (it starts PENDING).

        ``tags`` go under ``$tags`` and ``secrets`` under ``$secrets`` unless the request
        already has those keys; each grant's reference goes under ``grant.name``, replacing
        any value there. The caller's dict is never modified.

        ``idempotency_key`` (our extension, sent as ``Idempotency-Key``) lets the client
        resend the request after a failure that leaves unknown whether the execution
        started; a gateway that honours it (the local Hub's) starts one execution for the
        key. No key is made up for you: the Kipu Hub ignores the header, so there a resend
        could start a second, billed execution. Use one key per execution you mean to
        start, e.g. ``str(uuid.uuid4())``, and the same one if you call ``run`` again for it.

        Raises:
            TypeError: an argument has the wrong type.
            ValueError: grants were asked for but no Platform client is available, or the
                key is not 1 to 255 visible ASCII characters.
            ApiError: the gateway or the Platform API refused.
            AmbiguousRequestError: without a key, the execution may or may not have started
                (the connection broke after the request was sent, or a 5xx answer); the
                request was not resent.
            AuthenticationError: the token endpoint refused the access key.
        """
        body = self._body(request, secrets, tags)
        for grant in self._checked_grants(grants):
            body[grant.name] = self._reference(grant).dict()
        from .execution import HubServiceExecution

        started = self.api.start_execution(request=body, idempotency_key=idempotency_key)
        execution = HubServiceExecution(self.api, started)
        execution._mark_started_here()
        return execution

    def _reference(self, grant: DataPoolGrant) -> DataPoolReference:
        token = self.grant_cache.get(grant)
        if token is None:
            platform = self._require_platform_client()
            token = platform.data_pool_grants.create_data_pool_grant(
                grant.datapool_id, application_id=grant.application_id, permission=grant.permission
            ).token
            if not token:
                raise ValueError(f"the Platform API returned no grant token for {grant.name!r}")
            self.grant_cache.put(grant, token)
        from .datapool import DataPoolReference

        return DataPoolReference(id=grant.datapool_id, grant=token)

    def get_service_execution(
        self, id: str | None = None, *, service_execution_id: str | None = None
    ) -> HubServiceExecution:
        """The execution with this id (``service_execution_id=``, the vendor's keyword, works
        too).

        Raises:
            TypeError: no id, or both spellings.
            ValueError: ``id`` is empty.
            NotFoundError: no such execution for this application.
        """
        from .execution import HubServiceExecution

        execution_id = _execution_id(id, service_execution_id)
        return HubServiceExecution(self.api, self.api.get_status(execution_id))

    def get_service_executions(self) -> list[HubServiceExecution]:
        """Every execution this application started through the gateway, newest first."""
        from .execution import HubServiceExecution

        return [HubServiceExecution(self.api, e) for e in self.api.get_service_executions()]

    def close(self) -> None:
        """Release connections (a Platform client it was given stays open)."""
        self._client.close()
        if self._oauth is not None:
            self._oauth.close()
        if self._owns_platform_client and self._platform_client is not None:
            self._platform_client.close()

    def __enter__(self) -> HubServiceClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncHubServiceClient(_ServiceClientBase):
    """The async twin of :class:`HubServiceClient` (same arguments, awaitable methods).

    ``httpx_client`` is an ``httpx.AsyncClient`` here.
    """

    def __init__(
        self,
        service_endpoint: str,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        token_endpoint: str = DEFAULT_TOKEN_ENDPOINT,
        platform_client: HubPlatformClient | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        logging: LoggingOption = None,
        httpx_client: httpx.AsyncClient | None = None,
    ) -> None:
        from qhub.api.service import AsyncHubServiceClient as AsyncApiClient

        super().__init__(
            service_endpoint,
            access_key_id,
            secret_access_key,
            token_endpoint,
            platform_client,
            timeout=timeout,
            max_retries=max_retries,
            logging=logging,
            httpx_client=httpx_client,
        )
        self._client = AsyncApiClient(
            base_url=service_endpoint,
            token=self._auth,
            headers=self._headers,
            timeout=timeout,
            max_retries=max_retries,
            logging=logging,
            httpx_client=httpx_client,
        )

    @property
    def api(self) -> AsyncServiceApiClient:
        """The low-level gateway operations, async."""
        return self._client.service_api

    async def run(
        self,
        request: dict[str, Any],
        secrets: dict[str, Any] | None = None,
        tags: list[str] | None = None,
        grants: list[DataPoolGrant] | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> AsyncHubServiceExecution:
        """Start an execution; see :meth:`HubServiceClient.run`."""
        body = self._body(request, secrets, tags)
        for grant in self._checked_grants(grants):
            body[grant.name] = (await self._reference(grant)).dict()
        from .execution import AsyncHubServiceExecution

        started = await self.api.start_execution(request=body, idempotency_key=idempotency_key)
        execution = AsyncHubServiceExecution(self.api, started)
        execution._mark_started_here()
        return execution

    async def _reference(self, grant: DataPoolGrant) -> DataPoolReference:
        token = self.grant_cache.get(grant)
        if token is None:
            platform = self._require_platform_client()
            created = await platform.async_data_pool_grants.create_data_pool_grant(
                grant.datapool_id, application_id=grant.application_id, permission=grant.permission
            )
            token = created.token
            if not token:
                raise ValueError(f"the Platform API returned no grant token for {grant.name!r}")
            self.grant_cache.put(grant, token)
        from .datapool import DataPoolReference

        return DataPoolReference(id=grant.datapool_id, grant=token)

    async def get_service_execution(
        self, id: str | None = None, *, service_execution_id: str | None = None
    ) -> AsyncHubServiceExecution:
        """The execution with this id (``service_execution_id=`` works too)."""
        from .execution import AsyncHubServiceExecution

        execution_id = _execution_id(id, service_execution_id)
        return AsyncHubServiceExecution(self.api, await self.api.get_status(execution_id))

    async def get_service_executions(self) -> list[AsyncHubServiceExecution]:
        """Every execution this application started through the gateway, newest first."""
        from .execution import AsyncHubServiceExecution

        return [
            AsyncHubServiceExecution(self.api, e) for e in await self.api.get_service_executions()
        ]

    async def close(self) -> None:
        """Release connections (a Platform client it was given stays open)."""
        await self._client.close()
        if self._oauth is not None:
            await self._oauth.aclose()
        if self._owns_platform_client and self._platform_client is not None:
            await self._platform_client.aclose()

    async def __aenter__(self) -> AsyncHubServiceClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
