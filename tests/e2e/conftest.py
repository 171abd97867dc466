"""A local Hub serving the test workspaces, one per test module (over real HTTP)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient

from ..workspaces import PROGRAMS, make_workspace


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """One running Hub with the example and every test workspace."""
    root = tmp_path_factory.mktemp("workspaces")
    services = {kind: make_workspace(root, kind) for kind in PROGRAMS}
    local = LocalHub(tmp_path_factory.mktemp("hub"), services=dict(services))
    local.start()
    yield local
    local.stop()


@pytest.fixture
def client_for(hub: LocalHub) -> Iterator[Callable[[str], HubServiceClient]]:
    """Clients of the Hub's services with the default application's access key."""
    clients: list[HubServiceClient] = []

    def make(service: str) -> HubServiceClient:
        assert hub.connection is not None
        app = hub.connection.application
        client = HubServiceClient(
            hub.connection.services[service],
            app["access_key_id"],
            app["secret_access_key"],
            token_endpoint=hub.connection.token_endpoint,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    """An empty download directory."""
    path = tmp_path / "downloads"
    path.mkdir()
    return path
