"""``qhub.local.connect()``: ready clients of a running local Hub, for notebooks and tests.

>>> from qhub.local import connect
>>> hub = connect()  # the Hub serving ./.qhub-local  # doctest: +SKIP
>>> hub.quantum.backends.get_backends()  # doctest: +SKIP
>>> hub.service("quickstart").run(request={"values": [1]})  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from .datadir import DataDirError, DataDirLock

if TYPE_CHECKING:
    from qhub.api.platform import HubPlatformClient
    from qhub.api.quantum import HubQuantumClient
    from qhub.api.user import HubUserClient
    from qhub.service.client import HubServiceClient

__all__ = ["LocalHubClients", "connect"]

ClientT = TypeVar("ClientT")


class LocalHubClients:
    """Clients of one running local Hub, made on first use with its URLs and credentials.

    Attributes:
        connection: the Hub's ``connection.json`` (URLs, the default user's token and
            organization, the default application's access key).
    """

    def __init__(self, connection: dict[str, Any]) -> None:
        self.connection = connection
        self._opened: list[Any] = []

    @cached_property
    def quantum(self) -> HubQuantumClient:
        """The Quantum API, as the Hub's default user."""
        from qhub.api.quantum import HubQuantumClient

        return self._as_default_user(HubQuantumClient, "quantum_url")

    @cached_property
    def platform(self) -> HubPlatformClient:
        """The Platform API, as the Hub's default user."""
        from qhub.api.platform import HubPlatformClient

        return self._as_default_user(HubPlatformClient, "platform_url")

    @cached_property
    def user(self) -> HubUserClient:
        """The User API, as the Hub's default user."""
        from qhub.api.user import HubUserClient

        return self._as_default_user(HubUserClient, "user_url")

    def _as_default_user(self, client_class: Callable[..., ClientT], url_key: str) -> ClientT:
        return self._keep(
            client_class(
                api_key=self.connection["personal_access_token"],
                base_url=self.connection[url_key],
            )
        )

    def service(self, name: str = "quickstart") -> HubServiceClient:
        """A client of one served service, with the default application's access key; its
        data pool grants (``run(..., grants=[...])``) are asked of this Hub too, whatever the
        environment names.

        Raises:
            KeyError: the Hub serves no service of that name (the message lists them).
            ModuleNotFoundError: ``qhub-service`` is not installed.
        """
        from qhub.service.client import HubPlatformClient, HubServiceClient

        services: dict[str, str] = self.connection["services"]
        if name not in services:
            raise KeyError(f"no service {name!r}; this Hub serves: {', '.join(services)}")
        application = self.connection["application"]
        platform = self._keep(
            HubPlatformClient(
                api_key=self.connection["personal_access_token"],
                organization_id=self.connection["organization_id"],
                platform_endpoint=self.connection["platform_url"],
            )
        )
        return self._keep(
            HubServiceClient(
                services[name],
                application["access_key_id"],
                application["secret_access_key"],
                token_endpoint=self.connection["token_endpoint"],
                platform_client=platform,
            )
        )

    def _keep(self, client: ClientT) -> ClientT:
        self._opened.append(client)
        return client

    def close(self) -> None:
        """Close every client made so far."""
        for client in self._opened:
            client.close()
        self._opened.clear()

    def __enter__(self) -> LocalHubClients:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"LocalHubClients(base_url={self.connection.get('base_url')!r})"


def connect(data_dir: str | os.PathLike[str] = ".qhub-local") -> LocalHubClients:
    """Clients of the Hub serving ``data_dir`` (start one with ``qhub-local serve``).

    Raises:
        DataDirError: no Hub serves it, or it has not written ``connection.json`` yet.
    """
    directory = Path(data_dir)
    if not directory.is_dir() or DataDirLock(directory).holder() is None:
        raise DataDirError(f"no Hub serves {directory} (start one: qhub-local serve)")
    try:
        connection: dict[str, Any] = json.loads((directory / "connection.json").read_text())
    except (OSError, ValueError):
        raise DataDirError(f"the Hub serving {directory} has not written connection.json") from None
    return LocalHubClients(connection)
