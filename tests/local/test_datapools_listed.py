"""``connection.json`` follows the data pools: one created after the Hub started is listed
by name (the file rewritten whole, still 0600), a renamed one under its new name, a deleted
one no more. A listing that can't be rewritten is logged and never undoes the change."""

from __future__ import annotations

import json
import logging
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from qhub.api.platform import HubPlatformClient
from qhub.local.server import LocalHub


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub serving on loopback."""
    with LocalHub(tmp_path_factory.mktemp("hub")) as local:
        yield local


@pytest.fixture
def platform(hub: LocalHub) -> Iterator[HubPlatformClient]:
    """A Platform client of the default user."""
    assert hub.connection is not None
    with HubPlatformClient(
        api_key=hub.connection.personal_access_token, base_url=hub.connection.platform_url
    ) as client:
        yield client


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
