"""Data pools reach services through grants, over real HTTP: seed 003's two examples, VIEW
and MODIFY pools in a run, refused grants, and the gateway's reserved keys."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from qhub.api.credentials import CONFIG_PATH_ENV_VARS, TOKEN_ENV_VARS
from qhub.api.platform import HubPlatformClient
from qhub.api.service.errors import BadRequestError
from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient
from qhub.service.execution import HubServiceExecution

Clients = Callable[[str], HubServiceClient]


@dataclass(frozen=True)
class Pools:
    """An input pool holding ``input.csv`` and an empty output pool, for one test."""

    input_id: str
    output_id: str


@pytest.fixture
def platform(hub: LocalHub) -> Iterator[HubPlatformClient]:
    """The default user's Platform client."""
    assert hub.connection is not None
    with HubPlatformClient(
        api_key=hub.connection.personal_access_token,
        organization_id=hub.connection.organization_id,
        base_url=hub.connection.platform_url,
    ) as client:
        yield client


@pytest.fixture
def pools(platform: HubPlatformClient) -> Pools:
    """Two new pools; the input one holds ``input.csv``."""
    tag = uuid.uuid4().hex[:8]
    source = platform.data_pools.create_data_pool(name=f"in-{tag}")
    target = platform.data_pools.create_data_pool(name=f"out-{tag}")
    assert source.id and target.id
    platform.data_pools.add_data_pool_file(source.id, file=("input.csv", b"a,b\n1,2\n", None))
    return Pools(source.id, target.id)


def grant(platform: HubPlatformClient, pool_id: str, app_id: str, permission: str) -> str:
    """A grant token from the Platform API."""
    token = platform.data_pool_grants.create_data_pool_grant(
        pool_id, application_id=app_id, permission=permission
    ).token
    assert token is not None
    return token


def finished(execution: HubServiceExecution) -> HubServiceExecution:
    """The execution, once final."""
    execution.wait_for_final_state(timeout=60, wait=0.1)
    return execution


def errors_of(execution: HubServiceExecution) -> list[str]:
    """The ERROR lines of an execution's log."""
    return [entry.message for entry in execution.logs() or [] if entry.severity == "ERROR"]


def workdir(hub: LocalHub, execution: HubServiceExecution) -> Path:
    """Where the Hub keeps an execution's files."""
    return hub.data_dir / "executions" / execution.id


def test_seed_example_grants_acquired_automatically(
    hub: LocalHub,
    pools: Pools,
    platform: HubPlatformClient,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Seed 003's example, as written: run(grants=...) acquires a VIEW and a MODIFY grant
    with the credentials of the environment; the service reads one pool and writes a file
    into the other, which the Platform API lists and serves afterwards."""
    assert hub.connection is not None
    conn = hub.connection
    for name in (*TOKEN_ENV_VARS, *CONFIG_PATH_ENV_VARS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no qhubctl config of the machine's user
    monkeypatch.setenv("KQH_PERSONAL_ACCESS_TOKEN", conn.personal_access_token)
    monkeypatch.setenv("KQH_ORGANIZATION_ID", conn.organization_id)
    monkeypatch.setenv("QHUB_PLATFORM_BASE_URL", conn.platform_url)
    monkeypatch.setenv("QHUB_TOKEN_ENDPOINT", conn.token_endpoint)
    service_endpoint = conn.services["pools"]
    access_key_id = conn.application["access_key_id"]
    secret_access_key = conn.application["secret_access_key"]
    dp_abc123, dp_def456, app_xyz789 = pools.input_id, pools.output_id, conn.application["id"]

    # -- seed 003, "Data Pool Access Grants", Example (Python); ids from the local Hub --
    from qhub.service.client import HubServiceClient
    from qhub.service.datapool import DataPoolGrant, DataPoolPermission

    # Credentials and organization are resolved via qhubctl / the platform context.
    client = HubServiceClient(service_endpoint, access_key_id, secret_access_key)

    grants = [
        DataPoolGrant(
            name="input_data",
            datapool_id=dp_abc123,
            application_id=app_xyz789,
            permission=DataPoolPermission.VIEW,
        ),
        DataPoolGrant(
            name="output_data",
            datapool_id=dp_def456,
            application_id=app_xyz789,
            permission=DataPoolPermission.MODIFY,
        ),
    ]

    execution = client.run(request={"shots": 100}, grants=grants)
    # -- end of the seed's code --

    finished(execution)
    assert execution.status == "SUCCEEDED", errors_of(execution)
    assert execution.result().data() == {"shots": 100, "inputs": {"input.csv": 8}, "wrote": True}
    [summary] = platform.data_pools.get_data_pool_files(pools.output_id)
    assert (summary.name, summary.content_type) == ("summary.txt", "text/plain")
    assert summary.id
    content = b"".join(platform.data_pools.get_data_pool_file(pools.output_id, summary.id))
    assert content == b"100 shots over ['input.csv']\n"
    infos = [e.message for e in execution.logs() or [] if e.severity == "INFO"]
    assert any("mounted read-only (VIEW) as 'input_data'" in m for m in infos)
    assert any("mounted writable (MODIFY) as 'output_data'" in m for m in infos)
    assert not (workdir(hub, execution) / "datapool" / "input_data").exists()  # copy removed
    ambient = client.platform_client
    assert ambient is not None and ambient.platform_endpoint == conn.platform_url
    connections = ambient.client  # the API client it made for the grants
    client.close()  # closes the Platform client it made itself (one it is given stays open)
    assert "client" not in vars(ambient)
    assert connections._pipeline.http.is_closed


def test_seed_example_manual_reference(
    hub: LocalHub, pools: Pools, platform: HubPlatformClient, client_for: Clients
) -> None:
    """Seed 003's manual reference: a grant the workflow owns, placed in the request with
    DataPoolReference(...).dict()."""
    assert hub.connection is not None
    client = client_for("pools")
    dp_abc123 = pools.input_id
    my_jwt = grant(platform, dp_abc123, hub.connection.application["id"], "VIEW")

    # -- seed 003, "Manual references" (Python); the execution kept to check it --
    from qhub.service.datapool import DataPoolReference

    request = {
        "input_data": DataPoolReference(id=dp_abc123, grant=my_jwt).dict(),
    }
    execution = client.run(request=request)
    # -- end of the seed's code --

    finished(execution)
    assert execution.status == "SUCCEEDED", errors_of(execution)
    assert execution.result().data() == {"shots": 100, "inputs": {"input.csv": 8}, "wrote": False}


def test_a_view_pool_cannot_be_written_from_the_service(
    hub: LocalHub, pools: Pools, platform: HubPlatformClient, client_for: Clients
) -> None:
    """A VIEW pool is mounted read-only in the execution's sandbox: every write fails, a new
    file or an existing one, directly or through the runtime's DataPool, and the pool is
    unchanged."""
    assert hub.connection is not None
    token = grant(platform, pools.input_id, hub.connection.application["id"], "VIEW")
    execution = finished(
        client_for("view_write").run(
            request={"data": {"id": pools.input_id, "ref": "DATAPOOL", "grant": token}}
        )
    )
    assert execution.status == "SUCCEEDED", errors_of(execution)
    outcome = execution.result().data()
    assert hub.hub.runner.isolation.mode == "namespaces"
    assert "written" not in outcome["as_itself"] and outcome["via_api"] != "written"
    files = platform.data_pools.get_data_pool_files(pools.input_id)
    assert [(f.name, f.content_length) for f in files] == [("input.csv", 8)]


def _forged(token: str) -> str:
    """The token with its permission raised to MODIFY, the signature left as it was."""
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["permission"] = "MODIFY"
    raised = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{raised}.{signature}"


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("expired", "it has expired"),
        ("forged", "signature does not match"),
        ("other pool", "the grant is for another data pool"),
        ("other application", "the grant is for another application"),
        ("no grant", "the reference carries no grant"),
    ],
)
def test_a_refused_grant_ends_the_execution_failed_and_shows_nothing(
    hub: LocalHub,
    pools: Pools,
    platform: HubPlatformClient,
    client_for: Clients,
    case: str,
    reason: str,
) -> None:
    """Expired, forged, for another pool or application, or missing: the execution is FAILED
    at once, its log and problem document name the pool and the reason, no pool is shown to
    it and the program never runs."""
    assert hub.connection is not None
    app_id = hub.connection.application["id"]
    pool_id = pools.input_id
    token: str | None
    if case == "expired":
        clock = hub.hub.signer.clock
        hub.hub.signer.clock = lambda: time.time() - 7200
        try:
            token = grant(platform, pool_id, app_id, "VIEW")
        finally:
            hub.hub.signer.clock = clock
    elif case == "forged":
        token = _forged(grant(platform, pool_id, app_id, "VIEW"))
    elif case == "other pool":
        token = grant(platform, pools.output_id, app_id, "VIEW")
    elif case == "other application":
        other_app, _ = hub.hub.create_application(f"other-{uuid.uuid4().hex[:6]}")
        token = grant(platform, pool_id, other_app.id, "VIEW")
    else:
        token = None
    reference: dict[str, Any] = {"id": pool_id, "ref": "DATAPOOL"}
    if token is not None:
        reference["grant"] = token
    execution = client_for("pools").run(request={"input_data": reference})
    assert execution.status == "FAILED"  # answered at once: it never ran
    [message] = errors_of(execution)
    assert message.startswith(f"Data pool grant refused: data pool 'input_data' ({pool_id})")
    assert reason in message and (token is None or token not in message)
    problem = execution.result().data()
    assert (problem["status"], problem["title"]) == (403, "Data pool grant refused")
    assert execution.started_at is None
    assert not (workdir(hub, execution) / "datapool").exists()


def test_input_keys_bind_to_run_and_input_data_refs_mount_pools(
    hub: LocalHub, pools: Pools, platform: HubPlatformClient, client_for: Clients
) -> None:
    """input's keys are run()'s arguments beside the forwarded ones (input wins, with a
    WARNING); an inputDataRefs entry {name, id, ref, grant} mounts a pool under its name."""
    assert hub.connection is not None
    client = client_for("payload")
    plain = finished(
        client.run(request={"input": {"molecule": "H2", "basis": "6-31g"}, "shots": 5})
    )
    assert plain.result().data() == {
        "molecule": "H2",
        "basis": "6-31g",
        "shots": 5,
        "training": None,
    }
    token = grant(platform, pools.input_id, hub.connection.application["id"], "VIEW")
    ref = {"name": "training", "id": pools.input_id, "ref": "DATAPOOL", "grant": token}
    both = finished(
        client.run(
            request={"input": {"molecule": "LiH", "shots": 7}, "shots": 1, "inputDataRefs": [ref]}
        )
    )
    assert both.status == "SUCCEEDED", errors_of(both)
    assert both.result().data() == {
        "molecule": "LiH",
        "basis": "sto-3g",
        "shots": 7,
        "training": ["input.csv"],
    }
    warnings = [e.message for e in both.logs() or [] if e.severity == "WARNING"]
    assert warnings == [
        "request key 'shots' is both in 'input' and at the top level: the value in 'input' is used"
    ]


def test_a_run_that_takes_input_gets_it_as_sent(
    hub: LocalHub, pools: Pools, platform: HubPlatformClient, client_for: Clients
) -> None:
    """run(input=..., inputDataRefs=...) as written for the vendor's runtime: both arrive as
    they were sent (the pool is mounted too); other keys are forwarded."""
    assert hub.connection is not None
    token = grant(platform, pools.input_id, hub.connection.application["id"], "VIEW")
    ref = {"name": "training", "id": pools.input_id, "ref": "DATAPOOL", "grant": token}
    request = {"input": {"molecule": "H2"}, "inputDataRefs": [ref], "shots": 3}
    execution = finished(client_for("vendor_input").run(request=request))
    assert execution.status == "SUCCEEDED", errors_of(execution)
    assert execution.result().data() == {
        "input": {"molecule": "H2"},
        "refs": [{"name": "training", "id": pools.input_id, "ref": "DATAPOOL"}],
        "shots": 3,
    }


def test_malformed_input_data_refs_are_400(client_for: Clients) -> None:
    """Not a list, an entry without a name or id, a name used twice: 400, nothing started."""
    client = client_for("payload")
    before = len(client.get_service_executions())
    for refs in ({"training": "p"}, [{"id": "p"}], [{"name": "t"}], [{"name": "t", "id": "p"}] * 2):
        with pytest.raises(BadRequestError, match="inputDataRefs"):
            client.run(request={"input": {"molecule": "H2"}, "inputDataRefs": refs})
    assert len(client.get_service_executions()) == before
