"""Suite-wide settings: our own clients parse strictly, so drift from our server fails loudly;
and a Quantum API client for any test module that provides a ``hub``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qhub.api._core.models import strict_models
from qhub.api.quantum import HubQuantumClient
from qhub.local.server import LocalHub


@pytest.fixture(autouse=True)
def _strict_models(request: pytest.FixtureRequest) -> Iterator[None]:
    """Unknown fields/enum values fail in our tests, except against the vendor's runtime."""
    with strict_models(enabled=request.node.get_closest_marker("peer") is None):
        yield


@pytest.fixture
def client(hub: LocalHub) -> Iterator[HubQuantumClient]:
    """A Quantum API client of the module's ``hub``, with its personal access token."""
    assert hub.connection is not None
    with HubQuantumClient(
        api_key=hub.connection.personal_access_token,
        organization_id=hub.connection.organization_id,
        base_url=hub.connection.quantum_url,
    ) as quantum:
        yield quantum
