"""Managed services through the Platform API, over real HTTP with our strict clients: a
zipped workspace is created, uploaded, built (a real venv with its requirements when it
declares any) and run through its gateway URL; refused input (hostile archives, a taken
name, an oversized body, the wrong content type) leaves nothing behind; the services.*
changes apply to both kinds of service; state survives a restart."""

from __future__ import annotations

import base64
import hashlib
import io
import socket
import stat
import struct
import time
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from qhub.api.platform import HubPlatformClient
from qhub.api.platform.errors import (
    BadRequestError,
    ConflictError,
    ContentTooLargeError,
    NotFoundError,
    UnprocessableEntityError,
)
from qhub.local.domain.catalog import ArchiveLimits
from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient

from .managed_helpers import ADDER, build, gateway_of, new_service, wait_for_build, zipped


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
        headers={"X-OrganizationId": hub.connection.organization_id},
        base_url=hub.connection.platform_url,
    ) as client:
        yield client


def log_text(platform: HubPlatformClient, service_id: str) -> str:
    """The newest build's log, one line per entry."""
    lines = platform.managed_services.get_managed_service_build_logs(service_id)
    return "\n".join(f"{line.severity} {line.message}" for line in lines)


def run_service(hub: LocalHub, gateway_url: str, request: dict[str, Any]) -> Any:
    """Run one execution with the default application; its result."""
    assert hub.connection is not None
    app = hub.connection.application
    with HubServiceClient(
        gateway_url,
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=hub.connection.token_endpoint,
    ) as client:
        execution = client.run(request=request)
        execution.wait_for_final_state(timeout=120, wait=0.1)
        assert execution.status == "SUCCEEDED", execution.logs()
        return execution.result()


def leftovers(hub: LocalHub, service_id: str) -> list[str]:
    """Whatever an upload left: the service's files, half-written uploads."""
    root = hub.data_dir / "managed-services"
    here = [str(p.relative_to(root)) for p in (root / service_id).rglob("*")]
    return here + [p.name for p in (root / ".uploads").glob("*")]


def test_a_zipped_workspace_is_built_and_runs_through_its_gateway_url(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """Created (CREATED, not served), uploaded, built: SUCCESS with a log, ACCESSIBLE in the
    catalog, the default application subscribed, an execution through the gateway URL
    computes; the source downloads as uploaded."""
    assert hub.connection is not None
    service_id = new_service(platform, "adder")
    listed = {s.id: s.lifecycle for s in platform.services.get_services()}
    assert listed[service_id] == "CREATED"
    gateway_url = gateway_of(platform, service_id)
    assert httpx.post(gateway_url, json={}).status_code in (401, 404)

    archive = zipped(ADDER)
    platform.managed_services.upload_managed_service_source(service_id, file=archive)
    platform.managed_services.build_managed_service(service_id)
    status = wait_for_build(platform, service_id)
    assert (status.status, status.step) == ("SUCCESS", "PUSH_IMAGE"), log_text(platform, service_id)
    assert status.validation_result is not None
    assert status.validation_result.state == "SUCCESS"
    log = log_text(platform, service_id)
    assert "Unpacked 2 files" in log and "No requirements declared" in log

    service = platform.services.get_service(service_id)
    (definition,) = service.service_definitions or []
    assert (definition.lifecycle, definition.summary) == ("ACCESSIBLE", "made by a test")
    subscribed = platform.applications.get_application_subscriptions(
        hub.connection.application["id"]
    )
    assert service_id in {s.service.id for s in subscribed if s.service}

    result = run_service(hub, gateway_url, {"values": [1, 2, 3.5]})
    assert (result["total"], result["version"]) == (6.5, "one")
    downloaded = b"".join(platform.managed_services.download_managed_service_source(service_id))
    assert downloaded == archive


def test_a_folder_zipped_with_its_name_is_the_workspace(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """``zip -r ws.zip myservice/``: the one top-level directory is the workspace."""
    service_id = new_service(platform)
    platform.managed_services.upload_managed_service_source(
        service_id, file=zipped(ADDER, prefix="myservice/")
    )
    platform.managed_services.build_managed_service(service_id)
    assert wait_for_build(platform, service_id).status == "SUCCESS"
    result = run_service(hub, gateway_of(platform, service_id), {"values": [4]})
    assert result["total"] == 4


def tiny_wheel(name: str, version: str, module_source: str) -> tuple[str, bytes]:
    """A pure-Python wheel (file name, bytes) holding one module ``name``."""
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": module_source.encode(),
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist}/RECORD,,")
    files[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return f"{name}-{version}-py3-none-any.whl", buffer.getvalue()


@pytest.mark.slow
def test_declared_requirements_are_installed_into_the_workspaces_own_venv(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """requirements.txt (offline: --no-index, a wheel shipped in the workspace): the build
    makes ``.venv``, pip installs into it (its output in the log), and the service runs in
    that venv, importing the requirement."""
    wheel_name, wheel = tiny_wheel("tinydep", "1.0", "GREETING = 'hello from tinydep'\n")
    files: Mapping[str, str | bytes] = {
        "src/__init__.py": "",
        "src/program.py": (
            "import sys\nimport tinydep\n\n"
            "def run() -> dict:\n"
            "    return {'greeting': tinydep.GREETING, 'prefix': sys.prefix}\n"
        ),
        "requirements.txt": "--no-index\n--find-links wheels\ntinydep==1.0\n",
        f"wheels/{wheel_name}": wheel,
    }
    service_id = new_service(platform, "needs")
    status = build(platform, service_id, files)
    log = log_text(platform, service_id)
    assert status.status == "SUCCESS", log
    assert "Successfully installed tinydep-1.0" in log
    result = run_service(hub, gateway_of(platform, service_id), {})
    assert result["greeting"] == "hello from tinydep"
    assert result["prefix"].endswith("/.venv")
    assert f"/managed-services/{service_id}/builds/" in result["prefix"]


def test_a_workspace_without_its_program_fails_with_a_log_saying_so(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """No src/program.py: FAILURE in INIT, the check's ERROR in the status and the log, the
    service still CREATED and not served."""
    service_id = new_service(platform)
    status = build(platform, service_id, {"README.md": "no code here"})
    assert (status.status, status.step) == ("FAILURE", "INIT")
    assert status.validation_result is not None
    assert status.validation_result.state == "ERROR"
    assert "no src/program.py with a run() function" in (status.validation_result.summary or "")
    log = log_text(platform, service_id)
    assert "ERROR The workspace is not a service workspace: no src/program.py" in log
    (definition,) = platform.services.get_service(service_id).service_definitions or []
    assert definition.lifecycle == "CREATED"
    assert list((hub.data_dir / "managed-services" / service_id / "builds").iterdir()) == []


def test_a_rebuild_replaces_the_served_version_only_when_it_succeeds(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """A failing rebuild (run() missing) leaves version one in service; a good one replaces
    it; a second build while one runs is 409."""
    service_id = new_service(platform)
    assert build(platform, service_id, ADDER).status == "SUCCESS"
    gateway_url = gateway_of(platform, service_id)
    broken = {"src/__init__.py": "", "src/program.py": "def walk() -> None:\n    pass\n"}
    status = build(platform, service_id, broken)
    assert status.status == "FAILURE"
    assert "src/program.py defines no run()" in log_text(platform, service_id)
    assert run_service(hub, gateway_url, {"values": [1]})["version"] == "one"

    two = {**ADDER, "src/program.py": ADDER["src/program.py"].replace("'one'", "'two'")}
    platform.managed_services.upload_managed_service_source(service_id, file=zipped(two))
    platform.managed_services.build_managed_service(service_id)
    try:
        platform.managed_services.build_managed_service(service_id)
    except ConflictError as busy:  # unless the first build already ended
        assert "is running" in busy.body["message"]
    assert wait_for_build(platform, service_id).status == "SUCCESS"
    assert run_service(hub, gateway_url, {"values": [1]})["version"] == "two"


def symlink_zip() -> bytes:
    """An archive whose one entry is a symbolic link to /etc/passwd."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("src/program.py", "def run():\n    return 1\n")
        link = zipfile.ZipInfo("src/passwd")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def lying_zip() -> bytes:
    """A 2 MiB entry whose central directory claims 10 bytes (a bomb hiding its size)."""
    data = bytearray(zipped({"src/program.py": "def run(): pass\n", "big.bin": b"\0" * (2 << 20)}))
    central = data.rfind(b"PK\x01\x02")  # the last entry's central directory record
    data[central + 24 : central + 28] = struct.pack("<I", 10)
    return bytes(data)


HOSTILE = {
    "escaping": (zipped({"../evil.py": "x = 1\n"}), "leaves the archive"),
    "absolute": (zipped({"/tmp/evil.py": "x = 1\n"}), "is an absolute path"),
    "symlink": (symlink_zip(), "is a symbolic link"),
    "bomb": (zipped({"src/program.py": "", "zeros.bin": b"\0" * (3 << 20)}), "uncompressed"),
    "many": (zipped({f"f{i}.txt": "" for i in range(60)}), "entries"),
    "lying-header": (lying_zip(), "can't be read"),
    "not-a-zip": (b"this is no archive", "not a zip archive"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_archives_are_refused_and_leave_nothing(
    hub: LocalHub, platform: HubPlatformClient, kind: str
) -> None:
    """Escaping or absolute paths, links, bombs (honest or lying headers), too many entries,
    not a zip: 422 naming the problem, no source stored, no half-written upload."""
    archive, problem = HOSTILE[kind]
    service_id = new_service(platform)
    services = hub.hub.managed_services
    before, services.limits = (
        services.limits,
        ArchiveLimits(max_entries=50, max_total_bytes=1 << 20),
    )
    try:
        with pytest.raises(UnprocessableEntityError) as refused:
            platform.managed_services.upload_managed_service_source(service_id, file=archive)
    finally:
        services.limits = before
    assert problem in refused.value.body["message"]
    assert refused.value.body["message"].startswith("file: the archive is refused")
    assert leftovers(hub, service_id) == []
    with pytest.raises(NotFoundError):
        b"".join(platform.managed_services.download_managed_service_source(service_id))
    with pytest.raises(ConflictError):
        platform.managed_services.build_managed_service(service_id)


def test_a_taken_name_is_409_and_an_invalid_one_422(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """A managed service's name and a ``--service`` workspace's are taken; a name that
    can't be a path segment, a missing field or a source other than a file is 422 naming
    the field."""
    service_id = new_service(platform)
    name = platform.services.get_service(service_id).name
    assert name is not None
    for taken in (name, "quickstart"):
        with pytest.raises(ConflictError):
            platform.managed_services.create_managed_service(name=taken, source={"type": "file"})
    assert platform.services.check_service_name_availability(name=name) is False
    with pytest.raises(UnprocessableEntityError) as invalid:
        platform.managed_services.create_managed_service(name="a/b", source={"type": "file"})
    assert invalid.value.body["message"].startswith("name:")
    with pytest.raises(UnprocessableEntityError) as registry:
        platform.managed_services.create_managed_service(
            name="from-registry", source={"type": "registry", "image": "x"}
        )
    assert registry.value.body["message"].startswith("source.type:")
    assert hub.connection is not None
    missing = httpx.post(
        f"{hub.connection.platform_url}/managed-services",
        json={"name": "no-source"},
        headers={"X-Auth-Token": hub.connection.personal_access_token},
    )
    assert missing.status_code == 422
    assert missing.json()["message"] == "invalid request: source: Field required"


def test_an_upload_over_the_limit_is_413_and_stores_nothing(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """Over ``max_source_bytes``: 413 whether declared or found while streaming; nothing
    stored; the next upload under the limit works."""
    assert hub.connection is not None
    service_id = new_service(platform)
    services = hub.hub.managed_services
    limit, services.max_source_bytes = services.max_source_bytes, 50_000
    try:
        with pytest.raises(ContentTooLargeError):
            platform.managed_services.upload_managed_service_source(service_id, file=b"x" * 200_000)
        boundary = "b0undary"
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="s.zip"'
        chunks = [
            f"{head}\r\n\r\n".encode(),
            *([b"y" * 10_000] * 10),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
        answer = httpx.put(
            f"{hub.connection.platform_url}/managed-services/{service_id}/source/file",
            content=iter(chunks),
            headers={
                "X-Auth-Token": hub.connection.personal_access_token,
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        assert answer.status_code == 413, answer.text
        assert leftovers(hub, service_id) == []
        platform.managed_services.upload_managed_service_source(service_id, file=zipped(ADDER))
        assert (hub.data_dir / "managed-services" / service_id / "source.zip").is_file()
    finally:
        services.max_source_bytes = limit


def test_wrong_content_types_are_415_and_a_body_without_its_file_400(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """JSON operations take JSON only; the upload takes multipart only, with a ``file``."""
    assert hub.connection is not None
    service_id = new_service(platform)
    url = hub.connection.platform_url
    headers = {"X-Auth-Token": hub.connection.personal_access_token}
    create = httpx.post(
        f"{url}/managed-services",
        content=b'{"name": "plain", "source": {"type": "file"}}',
        headers={**headers, "Content-Type": "text/plain"},
    )
    assert create.status_code == 415, create.text
    upload = httpx.put(
        f"{url}/managed-services/{service_id}/source/file", json={"file": "x"}, headers=headers
    )
    assert upload.status_code == 415, upload.text
    without_file = httpx.put(
        f"{url}/managed-services/{service_id}/source/file",
        content=b'--B\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n--B--\r\n',
        headers={**headers, "Content-Type": "multipart/form-data; boundary=B"},
    )
    assert without_file.status_code == 400, without_file.text
    assert "'file' part" in without_file.json()["message"]
    assert leftovers(hub, service_id) == []
    with pytest.raises(BadRequestError):
        platform.managed_services.upload_managed_service_source(service_id, file=b"")


def test_services_are_changed_published_and_deleted(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """Display name, summary, contacts, links, OpenAPI document and publication change a
    managed service and a ``--service`` workspace alike; deleting removes a managed one
    (with its files and subscriptions) and is 409 for the workspace."""
    assert hub.connection is not None
    service_id = new_service(platform)
    with pytest.raises(ConflictError):  # not built yet
        platform.services.update_service_publication(service_id, scope="PUBLIC")
    assert build(platform, service_id, ADDER).status == "SUCCESS"
    for target in (service_id, "local-quickstart"):
        platform.services.update_service_display_name(target, display_name="Shown")
        platform.services.update_service_summary(target, summary="Short")
        platform.services.update_service_description(target, description="Long text")
        platform.services.update_service_contacts(
            target, request=[{"type": "EMAIL", "contact": "a@example.org", "name": "A"}]
        )
        platform.services.update_service_links(
            target, request=[{"type": "DOCUMENTATION", "name": "docs", "url": "https://x.org"}]
        )
        platform.services.update_service_open_api(
            target, file=("openapi.json", b'{"openapi": "3.1.0"}', "application/json")
        )
        platform.services.update_service_publication(target, scope="PUBLIC")
        service = platform.services.get_service(target)
        (definition,) = service.service_definitions or []
        assert (service.display_name, definition.summary, definition.lifecycle) == (
            "Shown",
            "Short",
            "PUBLISHED",
        )
        assert [c.contact for c in service.contacts or []] == ["a@example.org"]
        assert [link.url for link in service.links or []] == ["https://x.org"]
        assert platform.services.get_service_open_api(target) == '{"openapi": "3.1.0"}'
        assert hub.hub.catalog.entry(hub.connection.organization_id, target).details.description
        platform.services.delete_service_publication(target)
        assert platform.services.get_services(lifecycle=["PUBLISHED"]).content == []
    with pytest.raises(UnprocessableEntityError):
        platform.services.update_service_display_name(service_id, display_name="  ")
    with pytest.raises(ConflictError) as registered:
        platform.services.delete_service("local-quickstart")
    assert "--service" in registered.value.body["message"]

    platform.services.delete_service(service_id)
    with pytest.raises(NotFoundError):
        platform.services.get_service(service_id)
    assert not (hub.data_dir / "managed-services" / service_id).exists()
    subscribed = platform.applications.get_application_subscriptions(
        hub.connection.application["id"]
    )
    assert service_id not in {s.service.id for s in subscribed if s.service}


def test_configurations_and_pricing_plan_are_kept(platform: HubPlatformClient) -> None:
    """Runtime and resource configurations and the pricing plan show on the service."""
    service_id = new_service(platform)
    platform.managed_services.update_managed_service_runtime_configuration(
        service_id, runtime="PYTHON_TEMPLATE", environment={"MODE": "fast"}
    )
    cpu = {"type": "cpu", "amount": 500, "unit": "m"}
    for request in (cpu, {**cpu, "amount": 1000}, {"type": "memory", "amount": 512, "unit": "M"}):
        platform.managed_services.update_managed_service_resource_configuration(
            service_id, request=request
        )
    plan = platform.managed_services.add_managed_service_pricing_plan(
        service_id, type="COMMERCIAL", profit_percentage=10
    )
    assert (plan.type, plan.profit_percentage) == ("COMMERCIAL", 10)
    (definition,) = platform.services.get_service(service_id).service_definitions or []
    assert definition.runtime_configuration is not None
    assert definition.runtime_configuration.environment == {"MODE": "fast"}
    assert [(c.type, c.amount) for c in definition.configurations or []] == [
        ("cpu", 1000),
        ("memory", 512),
    ]
    assert [p.type for p in definition.pricing_plans or []] == ["COMMERCIAL"]
    platform.managed_services.delete_managed_service_pricing_plan(service_id)
    (definition,) = platform.services.get_service(service_id).service_definitions or []
    assert [p.type for p in definition.pricing_plans or []] == ["FREE"]


def test_another_organization_sees_none_of_it(hub: LocalHub, platform: HubPlatformClient) -> None:
    """Another organization's user gets 404 for our managed service and its builds."""
    assert hub.connection is not None
    service_id = new_service(platform)
    other = hub.add_user()
    with HubPlatformClient(
        api_key=other.personal_access_token, base_url=hub.connection.platform_url
    ) as theirs:
        assert service_id not in {s.id for s in theirs.services.get_services()}
        with pytest.raises(NotFoundError):
            theirs.managed_services.get_managed_service_build_logs(service_id)
        with pytest.raises(NotFoundError):
            theirs.managed_services.upload_managed_service_source(service_id, file=zipped(ADDER))


@pytest.mark.slow
def test_services_and_an_interrupted_build_survive_a_restart(tmp_path: Path) -> None:
    """A built service is served again after a restart; a build the stop interrupted ends
    FAILURE at the next start, with a log line saying so."""
    hanging = socket.socket()
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(8)  # never answers: pip waits on it until the Hub stops
    port = hanging.getsockname()[1]
    slow = {**ADDER, "requirements.txt": f"--index-url http://127.0.0.1:{port}/simple\nnothing\n"}
    try:
        with LocalHub(tmp_path) as first:
            assert first.connection is not None
            with HubPlatformClient(
                api_key=first.connection.personal_access_token,
                base_url=first.connection.platform_url,
            ) as platform:
                built = new_service(platform, "kept")
                assert build(platform, built, ADDER).status == "SUCCESS"
                stuck = new_service(platform, "stuck")
                platform.managed_services.upload_managed_service_source(stuck, file=zipped(slow))
                platform.managed_services.build_managed_service(stuck)
                deadline = time.monotonic() + 60
                while "Installing the declared" not in log_text(platform, stuck):
                    assert time.monotonic() < deadline
                    time.sleep(0.1)
    finally:
        hanging.close()
    with LocalHub(tmp_path) as second:
        assert second.connection is not None
        with HubPlatformClient(
            api_key=second.connection.personal_access_token,
            base_url=second.connection.platform_url,
        ) as platform:
            status = platform.managed_services.get_managed_service_build_status(stuck)
            assert status.status == "FAILURE"
            assert "stopped while this build was running" in log_text(platform, stuck)
            lifecycles = {s.id: s.lifecycle for s in platform.services.get_services()}
            assert (lifecycles[built], lifecycles[stuck]) == ("ACCESSIBLE", "CREATED")
            result = run_service(second, gateway_of(platform, built), {"values": [2, 3]})
            assert result["total"] == 5
