"""Data pools through our strict HubPlatformClient over real HTTP: pools, files streamed in
and out, the size limit, shares with another organization or user, and grants."""

from __future__ import annotations

import base64
import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from qhub.api.platform import HubPlatformClient
from qhub.api.platform.errors import (
    BadRequestError,
    ConflictError,
    ContentTooLargeError,
    ForbiddenError,
    NotFoundError,
    UnprocessableEntityError,
)
from qhub.api.platform.types import TenantId_Organization, TenantId_User
from qhub.local.domain import Hub
from qhub.local.server import LocalHub, LocalUser


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub without services: the Platform API is all these tests use."""
    with LocalHub(tmp_path_factory.mktemp("hub"), example=False) as local:
        yield local


def client_for(hub: LocalHub, token: str, organization_id: str) -> HubPlatformClient:
    """A Platform client acting with ``token`` for ``organization_id``."""
    assert hub.connection is not None
    return HubPlatformClient(
        api_key=token, organization_id=organization_id, base_url=hub.connection.platform_url
    )


@pytest.fixture
def platform(hub: LocalHub) -> Iterator[HubPlatformClient]:
    """The default user's Platform client, for the default organization."""
    assert hub.connection is not None
    conn = hub.connection
    with client_for(hub, conn.personal_access_token, conn.organization_id) as client:
        yield client


@pytest.fixture
def other(hub: LocalHub) -> LocalUser:
    """A user of another organization."""
    return hub.add_user()


@pytest.fixture
def theirs(hub: LocalHub, other: LocalUser) -> Iterator[HubPlatformClient]:
    """The other organization's Platform client."""
    with client_for(hub, other.personal_access_token, other.organization_id) as client:
        yield client


def new_pool(platform: HubPlatformClient) -> str:
    """A new pool of the default organization, named uniquely."""
    pool = platform.data_pools.create_data_pool(name=f"pool-{uuid.uuid4().hex[:8]}")
    assert pool.id
    return pool.id


def test_pools_are_created_changed_and_deleted(hub: LocalHub, platform: HubPlatformClient) -> None:
    """create → get → list → PUT replaces every field → a taken name is 409 → delete → 404,
    its directory gone."""
    name = f"climate-{uuid.uuid4().hex[:6]}"
    pool = platform.data_pools.create_data_pool(
        name=name, short_description="short", description="long", tags=["a", "b"]
    )
    assert pool.id and pool.current_user_permission == "OWNER"
    assert (pool.name, pool.short_description, pool.tags) == (name, "short", ["a", "b"])
    assert platform.data_pools.get_data_pool(pool.id).name == name
    assert pool.id in [p.id for p in platform.data_pools.get_data_pools()]
    changed = platform.data_pools.update_data_pool(pool.id, name=name + "-2")
    assert (changed.name, changed.short_description, changed.tags) == (name + "-2", None, [])
    with pytest.raises(ConflictError):
        platform.data_pools.create_data_pool(name=name + "-2")
    with pytest.raises(UnprocessableEntityError):
        platform.data_pools.create_data_pool(name="")
    directory = hub.hub.datapools.get(pool.id).path
    assert directory.is_dir()
    platform.data_pools.delete_data_pool(pool.id)
    with pytest.raises(NotFoundError):
        platform.data_pools.get_data_pool(pool.id)
    assert not directory.exists()
    assert not list((hub.data_dir / "datapools" / ".trash").glob("*"))


def test_files_are_uploaded_listed_downloaded_and_deleted(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """A multipart upload names the file (?filename= wins over the part's), lists with its
    size and type, downloads as a stream, and is gone after delete; a taken name is 409 and
    an invalid one 400."""
    pool_id = new_pool(platform)
    csv = platform.data_pools.add_data_pool_file(pool_id, file=("data.csv", b"a,b\n1,2\n", None))
    assert (csv.name, csv.content_type, csv.content_length) == ("data.csv", "text/csv", 8)
    blob = platform.data_pools.add_data_pool_file(pool_id, file=b"\0" * 70_000, filename="x.bin")
    assert (blob.name, blob.content_length) == ("x.bin", 70_000)
    listed = platform.data_pools.get_data_pool_files(pool_id)
    assert [(f.name, f.data_pool_id) for f in listed] == [("data.csv", pool_id), ("x.bin", pool_id)]
    assert csv.id and blob.id
    assert b"".join(platform.data_pools.get_data_pool_file(pool_id, blob.id)) == b"\0" * 70_000
    with pytest.raises(ConflictError):
        platform.data_pools.add_data_pool_file(pool_id, file=("data.csv", b"again", None))
    for bad in (".hidden", "a\\b"):
        with pytest.raises(BadRequestError):
            platform.data_pools.add_data_pool_file(pool_id, file=b"x", filename=bad)
    platform.data_pools.delete_data_pool_file(pool_id, csv.id)
    assert [f.name for f in platform.data_pools.get_data_pool_files(pool_id)] == ["x.bin"]
    assert sorted(p.name for p in hub.hub.datapools.get(pool_id).path.iterdir()) == ["x.bin"]
    with pytest.raises(NotFoundError):
        platform.data_pools.get_data_pool_file(pool_id, csv.id)


def upload_leftovers(hub: LocalHub, pool_id: str) -> list[str]:
    """Whatever an upload left: files in the pool's directory, half-written uploads."""
    pool_dir = hub.hub.datapools.get(pool_id).path
    uploads = hub.data_dir / "datapools" / ".uploads"
    return [p.name for p in pool_dir.iterdir()] + [p.name for p in uploads.glob("*")]


def test_a_file_over_the_limit_is_413_and_nothing_is_stored(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """Over the size limit: 413 whether the body declares its length or is chunked (the limit
    is hit while streaming); no file, no half-written upload; the next upload works."""
    assert hub.connection is not None
    pool_id = new_pool(platform)
    files = hub.hub.datapools.files
    limit, files.max_file_bytes = files.max_file_bytes, 100_000
    try:
        with pytest.raises(ContentTooLargeError):
            platform.data_pools.add_data_pool_file(pool_id, file=b"x" * 500_000, filename="big")
        boundary = "b0undary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big"\r\n\r\n'
        ).encode()

        def chunked() -> Iterator[bytes]:
            yield head
            for _ in range(20):
                yield b"y" * 10_000
            yield f"\r\n--{boundary}--\r\n".encode()

        answer = httpx.post(
            f"{hub.connection.platform_url}/datapools/{pool_id}/files",
            content=chunked(),
            headers={
                "X-Auth-Token": hub.connection.personal_access_token,
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        assert answer.status_code == 413, answer.text
        assert upload_leftovers(hub, pool_id) == []
        assert platform.data_pools.get_data_pool_files(pool_id) == []
        just_fits = platform.data_pools.add_data_pool_file(
            pool_id, file=b"z" * 100_000, filename="ok"
        )
        assert just_fits.content_length == 100_000
    finally:
        files.max_file_bytes = limit


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'--B\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\nhalf', 400),
        (b'--B\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n--B--\r\n', 400),
        (b"no multipart at all", 400),
    ],
    ids=["cut-short", "no-file-part", "no-boundary"],
)
def test_a_failed_upload_leaves_nothing(
    hub: LocalHub, platform: HubPlatformClient, body: bytes, status: int
) -> None:
    """A body cut short, without a ``file`` part, or not multipart: refused, nothing stored."""
    assert hub.connection is not None
    pool_id = new_pool(platform)
    answer = httpx.post(
        f"{hub.connection.platform_url}/datapools/{pool_id}/files?filename=f",
        content=body,
        headers={
            "X-Auth-Token": hub.connection.personal_access_token,
            "Content-Type": "multipart/form-data; boundary=B",
        },
    )
    assert answer.status_code == status, answer.text
    assert upload_leftovers(hub, pool_id) == []
    wrong_type = httpx.post(
        f"{hub.connection.platform_url}/datapools/{pool_id}/files",
        content=b"{}",
        headers={"X-Auth-Token": hub.connection.personal_access_token},
    )
    assert wrong_type.status_code == 415


def test_another_organization_sees_none_of_our_pools(
    platform: HubPlatformClient, theirs: HubPlatformClient
) -> None:
    """Every operation on another organization's pool is 404 (its list doesn't show it)."""
    pool_id = new_pool(platform)
    file = platform.data_pools.add_data_pool_file(pool_id, file=b"secret", filename="s.txt")
    assert file.id
    assert pool_id not in [p.id for p in theirs.data_pools.get_data_pools()]
    calls: list[Callable[[], object]] = [
        lambda: theirs.data_pools.get_data_pool(pool_id),
        lambda: theirs.data_pools.update_data_pool(pool_id, name="mine"),
        lambda: theirs.data_pools.get_data_pool_files(pool_id),
        lambda: theirs.data_pools.get_data_pool_file(pool_id, str(file.id)),
        lambda: theirs.data_pools.add_data_pool_file(pool_id, file=b"x", filename="x"),
        lambda: theirs.data_pools.delete_data_pool_file(pool_id, str(file.id)),
        lambda: theirs.data_pool_shares.get_shares_for_data_pool(pool_id),
        lambda: theirs.data_pool_grants.create_data_pool_grant(
            pool_id, application_id="any", permission="VIEW"
        ),
        lambda: theirs.data_pools.delete_data_pool(pool_id),
    ]
    for call in calls:
        with pytest.raises(NotFoundError):
            call()
    assert [f.name for f in platform.data_pools.get_data_pool_files(pool_id)] == ["s.txt"]


def test_a_share_opens_the_pool_in_its_role_and_time_window(
    hub: LocalHub, platform: HubPlatformClient, theirs: HubPlatformClient, other: LocalUser
) -> None:
    """Shared as VIEWER the other organization reads but can't upload (403); as MAINTAINER it
    uploads; outside the share's time window, and after the share is deleted, the pool is
    404 again. A share with a user works the same."""
    pool_id = new_pool(platform)
    shares = platform.data_pool_shares
    share = shares.share_data_pool(
        pool_id, shared_with=TenantId_Organization(value=other.organization_id), role="VIEWER"
    )
    assert share.id and share.active and share.role == "VIEWER"
    seen = theirs.data_pools.get_data_pool(pool_id)
    assert seen.current_user_permission == "VIEWER"
    assert theirs.data_pools.get_data_pool_files(pool_id) == []
    with pytest.raises(ForbiddenError):
        theirs.data_pools.add_data_pool_file(pool_id, file=b"x", filename="x")
    with pytest.raises(ForbiddenError):
        theirs.data_pool_shares.delete_data_pool_share(pool_id, share.id)
    shares.update_data_pool_share_role(pool_id, share.id, role="MAINTAINER")
    assert theirs.data_pools.add_data_pool_file(pool_id, file=b"x", filename="x").name == "x"
    with pytest.raises(ConflictError):
        shares.share_data_pool(
            pool_id, shared_with=TenantId_Organization(value=other.organization_id)
        )

    now = dt.datetime.now(dt.timezone.utc)
    past = shares.add_data_pool_share_constraint(
        pool_id,
        share.id,
        valid_from=(now - dt.timedelta(days=2)).isoformat(),
        valid_until=(now - dt.timedelta(days=1)).isoformat(),
        type="TIME_BASED",
    )
    assert past.type == "TIME_BASED"
    with pytest.raises(NotFoundError):
        theirs.data_pools.get_data_pool(pool_id)
    constraint_id = "TIME_BASED"  # a share's one constraint: its id is its type
    shares.update_data_pool_share_constraint(
        pool_id,
        share.id,
        constraint_id,
        valid_from=(now - dt.timedelta(hours=1)).isoformat(),
        valid_until=(now + dt.timedelta(hours=1)).isoformat(),
        type="TIME_BASED",
    )
    assert theirs.data_pools.get_data_pool(pool_id).id == pool_id
    with pytest.raises(UnprocessableEntityError):
        shares.update_data_pool_share_constraint(
            pool_id,
            share.id,
            constraint_id,
            valid_from=now.isoformat(),
            valid_until=now.isoformat(),
            type="TIME_BASED",
        )
    with pytest.raises(ConflictError):
        shares.add_data_pool_share_constraint(
            pool_id,
            share.id,
            valid_from=now.isoformat(),
            valid_until=(now + dt.timedelta(days=1)).isoformat(),
            type="TIME_BASED",
        )
    listed = shares.get_shares_for_data_pool(pool_id)
    assert [(s.id, len(s.constraints or [])) for s in listed] == [(share.id, 1)]
    shares.delete_data_pool_share_constraint(pool_id, share.id, constraint_id)
    shares.delete_data_pool_share(pool_id, share.id)
    with pytest.raises(NotFoundError):
        theirs.data_pools.get_data_pool(pool_id)

    user, _ = hub.hub.users.authenticate(other.personal_access_token)
    shares.share_data_pool(
        pool_id, shared_with=TenantId_User(value=user.id, tenant_type="USER"), role="VIEWER"
    )
    assert theirs.data_pools.get_data_pool(pool_id).current_user_permission == "VIEWER"
    with pytest.raises(NotFoundError):
        shares.share_data_pool(pool_id, shared_with=TenantId_User(value="nobody"))
    assert hub.connection is not None
    own = TenantId_Organization(value=hub.connection.organization_id)
    with pytest.raises(BadRequestError):
        shares.share_data_pool(pool_id, shared_with=own)


def claims_of(token: str) -> dict[str, object]:
    """A JWT's payload (not verified)."""
    payload = token.split(".")[1]
    decoded: dict[str, object] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def test_grants_are_signed_tokens_scoped_to_pool_application_and_permission(
    hub: LocalHub, platform: HubPlatformClient, theirs: HubPlatformClient, other: LocalUser
) -> None:
    """A grant names the pool, the application and the permission and expires in an hour; an
    application of another organization is 404; MODIFY needs a maintainer (403 for a
    viewer through a share)."""
    assert hub.connection is not None
    app_id = hub.connection.application["id"]
    pool_id = new_pool(platform)
    token = platform.data_pool_grants.create_data_pool_grant(
        pool_id, application_id=app_id, permission="MODIFY"
    ).token
    assert token is not None
    claims = claims_of(token)
    assert (claims["sub"], claims["datapool"], claims["permission"]) == (app_id, pool_id, "MODIFY")
    assert claims["exp"] == claims["iat"] + 3600  # type: ignore[operator]
    their_app = theirs.applications.create_application(name="theirs")
    assert their_app.id
    with pytest.raises(NotFoundError):
        platform.data_pool_grants.create_data_pool_grant(
            pool_id, application_id=their_app.id, permission="VIEW"
        )
    platform.data_pool_shares.share_data_pool(
        pool_id, shared_with=TenantId_Organization(value=other.organization_id), role="VIEWER"
    )
    view = theirs.data_pool_grants.create_data_pool_grant(
        pool_id, application_id=their_app.id, permission="VIEW"
    )
    assert view.token and claims_of(view.token)["sub"] == their_app.id
    with pytest.raises(ForbiddenError):
        theirs.data_pool_grants.create_data_pool_grant(
            pool_id, application_id=their_app.id, permission="MODIFY"
        )


def test_pools_of_an_earlier_data_dir_belong_to_the_default_organization(tmp_path: Path) -> None:
    """A data dir whose pools had Hub-wide unique names: its pools move to the default
    organization, and another organization may then use the same name."""
    database = sqlite3.connect(tmp_path / "hub.sqlite3")
    database.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES ('organization_id', 'org-before');"
        "CREATE TABLE datapools (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
        " path TEXT NOT NULL, created_at TEXT NOT NULL);"
    )
    database.execute(
        "INSERT INTO datapools VALUES ('p1', 'default', ?, '2026-01-01T00:00:00+00:00')",
        (str(tmp_path / "datapools" / "p1"),),
    )
    database.commit()
    database.close()
    hub = Hub(tmp_path)
    try:
        [pool] = hub.datapools.all()
        assert (pool.id, pool.name, pool.organization_id) == ("p1", "default", "org-before")
        hub.datapools.ensure_default("another-organization")
        assert sorted(p.organization_id for p in hub.datapools.all()) == [
            "another-organization",
            "org-before",
        ]
    finally:
        hub.close()
