"""``connection.json`` follows the managed services and the data pools.

A service whose build went live after the Hub started is listed with its gateway URL (the
file rewritten whole, still 0600), clients made from the file run it, ``qhub-local env``
names it; once deleted it is no longer listed. A data pool created after the start is
listed by name, a renamed one under its new name, a deleted one no more. A listing that
can't be rewritten is logged and never undoes the build or the pool."""

from __future__ import annotations

import json
import logging
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qhub.api.platform import HubPlatformClient
from qhub.local import connect
from qhub.local.clients import LocalHubClients
from qhub.local.process import hub_process
from qhub.local.server import LocalHub

from .managed_helpers import ADDER, build, gateway_of, new_service


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub with the example service (a ``--service`` workspace)."""
    with LocalHub(tmp_path_factory.mktemp("hub")) as local:
        yield local


@pytest.fixture
def platform(hub: LocalHub) -> Iterator[HubPlatformClient]:
    """A Platform client of the default user."""
    assert hub.connection is not None
    with HubPlatformClient(
        api_key=hub.connection.personal_access_token,
        base_url=hub.connection.platform_url,
    ) as client:
        yield client


def listed_services(data_dir: Path, name: str, *, present: bool = True) -> dict[str, str]:
    """``connection.json``'s services once ``name`` is among them (or, ``present=False``,
    no longer): the build's status turns SUCCESS in the transaction that makes the build
    live, a moment before the Hub is told to rewrite the file."""
    deadline = time.monotonic() + 30
    while True:
        services: dict[str, str] = json.loads((data_dir / "connection.json").read_text())[
            "services"
        ]
        if (name in services) == present:
            return services
        assert time.monotonic() < deadline, f"connection.json lists {sorted(services)}"
        time.sleep(0.05)


def run_through(connection: dict[str, Any], name: str, values: list[float]) -> Any:
    """Run the service named ``name`` with clients made from a ``connection.json``; its
    result."""
    with LocalHubClients(connection) as clients:
        execution = clients.service(name).run(request={"values": values})
        execution.wait_for_final_state(timeout=120, wait=0.1)
        assert execution.status == "SUCCEEDED", execution.logs()
        return execution.result()


def test_a_service_built_after_start_is_listed_until_deleted(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """Created: not listed. Built: ``connection.json`` and ``hub.connection`` list it with
    the gateway URL the Platform API gives, the file still 0600 with no temporary file left
    beside it, and clients made from the file run it. Deleted: gone from both; the
    ``--service`` workspace stays listed throughout."""
    assert hub.connection is not None
    path = hub.data_dir / "connection.json"
    service_id = new_service(platform, "listed")
    name = platform.services.get_service(service_id).name
    assert name is not None
    assert name not in json.loads(path.read_text())["services"]

    assert build(platform, service_id, ADDER).status == "SUCCESS"
    services = listed_services(hub.data_dir, name)
    assert services[name] == gateway_of(platform, service_id)
    assert "quickstart" in services
    assert hub.connection.services == services
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(hub.data_dir.glob(".connection-*"))
    connection = json.loads(path.read_text())
    assert connection["personal_access_token"] == hub.connection.personal_access_token
    assert run_through(connection, name, [1, 2, 3.5])["total"] == 6.5

    platform.services.delete_service(service_id)  # the file is rewritten before the answer
    services = json.loads(path.read_text())["services"]
    assert name not in services and "quickstart" in services
    assert hub.connection.services == services


class Collected(logging.Handler):
    """The messages logged to the logger it is added to (whatever propagates where)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_a_listing_that_cannot_be_rewritten_leaves_the_build_live(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """Whoever lists the services failing (a full disk, say; a real one can't be had
    here) is logged, naming the service; the build still ends SUCCESS and the service runs
    through its gateway URL."""
    managed = hub.hub.managed_services
    wired = managed.on_served_changed
    collected = Collected()
    logger = logging.getLogger("qhub.local.domain.catalog.managed")

    def failing() -> None:
        raise OSError(28, "No space left on device")

    managed.on_served_changed = failing
    logger.addHandler(collected)
    try:
        service_id = new_service(platform, "unlisted")
        assert build(platform, service_id, ADDER).status == "SUCCESS"
        deadline = time.monotonic() + 30
        while not collected.messages:
            assert time.monotonic() < deadline, "the failure was not logged"
            time.sleep(0.05)
    finally:
        logger.removeHandler(collected)
        managed.on_served_changed = wired
    (message,) = collected.messages
    assert message.startswith(f"a build of {service_id} went live, but")
    assert "No space left on device" in message
    assert platform.managed_services.get_managed_service_build_status(service_id).status == (
        "SUCCESS"
    )
    assert hub.connection is not None
    name = platform.services.get_service(service_id).name
    assert name is not None and name not in hub.connection.services
    result = run_through(
        {**hub.connection.to_json(), "services": {name: gateway_of(platform, service_id)}},
        name,
        [4],
    )
    assert result["total"] == 4


def test_connect_and_env_find_a_service_built_after_serve(tmp_path: Path) -> None:
    """``qhub-local serve``; a service created and built through the Platform API then is
    found by a fresh ``connect()`` and named by ``qhub-local env``."""
    data_dir = tmp_path / "hub"
    with hub_process(data_dir, quiet=True), connect(data_dir) as first:
        service_id = new_service(first.platform, "served")
        assert build(first.platform, service_id, ADDER).status == "SUCCESS"
        name = first.platform.services.get_service(service_id).name
        assert name is not None
        url = listed_services(data_dir, name)[name]
        assert url == gateway_of(first.platform, service_id)
        with connect(data_dir) as again:
            execution = again.service(name).run(request={"values": [2, 5]})
            execution.wait_for_final_state(timeout=120, wait=0.1)
            assert execution.status == "SUCCEEDED", execution.logs()
            assert execution.result()["total"] == 7
        exports = subprocess.run(
            [sys.executable, "-m", "qhub.local.cli", "env", "--data-dir", str(data_dir)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert exports.returncode == 0, exports.stderr
        assert f"# service {name}: {url}" in exports.stdout.splitlines()


# -- data pools ----------------------------------------------------------------------------


def listed_pools(data_dir: Path) -> dict[str, str]:
    """``connection.json``'s data pools, as a client reading the file sees them."""
    pools: dict[str, str] = json.loads((data_dir / "connection.json").read_text())["datapools"]
    return pools


def test_a_pool_is_listed_from_creation_to_deletion(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    name = f"runs-{uuid.uuid4().hex[:6]}"
    assert name not in listed_pools(hub.data_dir)
    pool = platform.data_pools.create_data_pool(name=name)
    assert listed_pools(hub.data_dir)[name] == pool.id
    assert hub.connection is not None and hub.connection.datapools[name] == pool.id
    path = hub.data_dir / "connection.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    platform.data_pools.update_data_pool(pool.id, name=name + "-v2")
    listed = listed_pools(hub.data_dir)
    assert listed[name + "-v2"] == pool.id and name not in listed

    platform.data_pools.delete_data_pool(pool.id)
    assert pool.id not in listed_pools(hub.data_dir).values()
    assert "default" in listed_pools(hub.data_dir)  # the others stay


def test_another_organizations_pools_stay_out(hub: LocalHub) -> None:
    """The file is the default user's: a pool another organization makes (even one named as
    ours) is not listed, and ours keeps its id."""
    assert hub.connection is not None
    ours = listed_pools(hub.data_dir)["default"]
    other = hub.add_user()
    with HubPlatformClient(
        api_key=other.personal_access_token, base_url=hub.connection.platform_url
    ) as theirs:
        for name in ("default", f"theirs-{uuid.uuid4().hex[:6]}"):
            pool = theirs.data_pools.create_data_pool(name=name)
            assert pool.id not in listed_pools(hub.data_dir).values()
    assert listed_pools(hub.data_dir)["default"] == ours


def test_a_listing_that_cannot_be_rewritten_leaves_the_pool_made(
    hub: LocalHub, platform: HubPlatformClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Whoever lists the pools failing (a full disk, say) is logged, naming the pool; the
    pool is created all the same."""
    pools = hub.hub.datapools
    wired = pools.on_pools_changed

    def failing() -> None:
        raise OSError(28, "No space left on device")

    pools.on_pools_changed = failing
    try:
        with caplog.at_level(logging.ERROR, logger="qhub.local.datapools"):
            pool = platform.data_pools.create_data_pool(name=f"unlisted-{uuid.uuid4().hex[:6]}")
    finally:
        pools.on_pools_changed = wired
    assert pool.id is not None
    (record,) = [r for r in caplog.records if r.name == "qhub.local.datapools"]
    assert record.getMessage().startswith(f"data pool {pool.id} was created, but")
    assert "No space left on device" in record.getMessage()
    assert platform.data_pools.get_data_pool(pool.id).name == pool.name
    assert pool.id not in listed_pools(hub.data_dir).values()
