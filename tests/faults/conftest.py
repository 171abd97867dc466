"""A local Hub with the ``echo`` test service, and what the fault tests share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from qhub.api.quantum import HubQuantumClient
from qhub.local.server import LocalHub

from ..workspaces import make_workspace
from .proxy import FaultProxy

#: X on every qubit, measured: every shot gives all ones (the true result of each job).
ONES_QASM = (
    'OPENQASM 3.0; include "stdgates.inc"; qubit[3] q; bit[3] c; x q[0]; x q[1]; x q[2];'
    " c = measure q;"
)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """One running Hub with the ``echo`` service."""
    echo = make_workspace(tmp_path_factory.mktemp("workspaces"), "echo")
    local = LocalHub(tmp_path_factory.mktemp("hub"), services={"echo": echo})
    local.start()
    local.warm_up()
    yield local
    local.stop()


@pytest.fixture
def proxy_for(hub: LocalHub) -> Iterator[Callable[..., FaultProxy]]:
    """Start fault proxies in front of the Hub: ``proxy_for(share=..., faults=..., ...)``."""
    started: list[FaultProxy] = []

    def start(**options: Any) -> FaultProxy:
        assert hub.connection is not None
        proxy = FaultProxy(hub.connection.base_url, **options).start()
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()


def first(count: int, method: str = "POST") -> Callable[[str, str], bool]:
    """A selector giving a fault to the first ``count`` requests with ``method`` only."""
    seen = 0

    def select(request_method: str, path: str) -> bool:
        nonlocal seen
        if request_method != method:
            return False
        seen += 1
        return seen <= count

    return select


def job_count(hub: LocalHub, quantum: HubQuantumClient | None = None) -> int:
    """How many jobs the Hub holds for the default organization (asked of its API)."""
    assert hub.connection is not None
    if quantum is not None:
        return quantum.jobs.search_jobs(size=1).total_elements or 0
    with HubQuantumClient(
        api_key=hub.connection.personal_access_token, base_url=hub.connection.quantum_url
    ) as client:
        return client.jobs.search_jobs(size=1).total_elements or 0
