"""Provider tokens, organization images and invitations through our strict HubPlatformClient
against a real Hub over loopback: round trips, masking, tokens sealed in the SQLite file,
roles, other organizations' 404s, image signatures and limits, restarts."""

from __future__ import annotations

import logging
import sqlite3
import struct
import uuid
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from qhub.api.platform import AsyncHubPlatformClient, HubPlatformClient
from qhub.api.platform.errors import (
    ContentTooLargeError,
    ForbiddenError,
    NotFoundError,
    UnprocessableEntityError,
    UnsupportedMediaTypeError,
)
from qhub.api.user import HubUserClient
from qhub.local.server import LocalHub, LocalUser

MiB = 1 << 20


def _png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = _png()
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\x00" * 64
    + b"\xff\xd9"
)
WEBP = b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8L" + b"\x00" * 22


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub without services."""
    with LocalHub(tmp_path_factory.mktemp("hub"), example=False) as local:
        yield local


Platform = Callable[..., HubPlatformClient]


@pytest.fixture
def platform_for(hub: LocalHub) -> Iterator[Platform]:
    """Platform clients for a token (the default user's unless given), optionally acting
    for an organization."""
    clients: list[HubPlatformClient] = []

    def make(token: str | None = None, organization_id: str | None = None) -> HubPlatformClient:
        assert hub.connection is not None
        client = HubPlatformClient(
            api_key=token or hub.connection.personal_access_token,
            organization_id=organization_id,
            base_url=hub.connection.platform_url,
            max_retries=0,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def lab(platform_for: Platform) -> str:
    """A new organization the default user owns."""
    created = platform_for().organizations.create_organization(
        display_name=f"Lab {uuid.uuid4().hex[:8]}", billing_email="lab@example.org"
    )
    assert created.id is not None
    return created.id


def secret(label: str) -> str:
    """A distinctive secret value, to look for where it must not be."""
    return f"{label}-{uuid.uuid4().hex}"


def image_files(hub: LocalHub) -> set[str]:
    """The files of the Hub's image directory."""
    return {p.name for p in (hub.hub.data_dir / "organization-images").iterdir()}


def stored_bytes(hub: LocalHub) -> bytes:
    """Everything the SQLite database holds on disk (main file, WAL, shared memory)."""
    db = hub.hub.data_dir / "hub.sqlite3"
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())


# -- provider tokens -------------------------------------------------------------------------


def test_an_organizations_tokens_round_trip_masked(platform_for: Platform, lab: str) -> None:
    """Set, read masked, list availability, replace, delete (then 404); IBM_CLOUD shows its
    serviceCrn whole and its apiKey masked; a short secret shows no characters."""
    organizations = platform_for().organizations
    assert organizations.get_organization_provider_token_availability(lab) == {
        "DWAVE": False,
        "IBM": False,
        "IBM_CLOUD": False,
    }
    organizations.update_organization_provider_token(
        lab, "IBM", request={"value": "ibm-abcdefgh-1234"}
    )
    shown = organizations.get_organization_provider_token(lab, "IBM")
    assert (shown.type, shown.value) == ("IBM", "****1234")  # type: ignore[union-attr]
    organizations.update_organization_provider_token(
        lab, "IBM", request={"type": "IBM", "value": "ibm-replaced-value-9876"}
    )
    assert organizations.get_organization_provider_token(lab, "IBM").value == "****9876"  # type: ignore[union-attr]
    organizations.update_organization_provider_token(lab, "DWAVE", request={"value": "short"})
    assert organizations.get_organization_provider_token(lab, "DWAVE").value == "****"  # type: ignore[union-attr]
    organizations.update_organization_provider_token(
        lab, "IBM_CLOUD", request={"serviceCrn": "crn:v1:bluemix:x", "apiKey": "cloud-key-000-wxyz"}
    )
    cloud = organizations.get_organization_provider_token(lab, "IBM_CLOUD")
    assert (cloud.type, cloud.service_crn, cloud.api_key) == (  # type: ignore[union-attr]
        "IBM_CLOUD",
        "crn:v1:bluemix:x",
        "****wxyz",
    )
    assert organizations.get_organization_provider_token_availability(lab) == {
        "DWAVE": True,
        "IBM": True,
        "IBM_CLOUD": True,
    }
    organizations.delete_organization_provider_token(lab, "IBM")
    assert organizations.get_organization_provider_token_availability(lab)["IBM"] is False
    with pytest.raises(NotFoundError):
        organizations.get_organization_provider_token(lab, "IBM")
    with pytest.raises(NotFoundError):
        organizations.delete_organization_provider_token(lab, "IBM")


def test_the_users_own_tokens_are_theirs(hub: LocalHub, platform_for: Platform, lab: str) -> None:
    """/my/provider-tokens are the signed-in user's, whichever organization the request acts
    for, apart from the organization's; another user has none of them."""
    me = platform_for()
    me.users.update_user_provider_token("DWAVE", request={"value": "dwave-personal-5555"})
    acting_for_lab = platform_for(organization_id=lab)
    assert acting_for_lab.users.get_user_provider_token("DWAVE").value == "****5555"  # type: ignore[union-attr]
    assert acting_for_lab.users.get_user_provider_token_availability()["DWAVE"] is True
    assert me.organizations.get_organization_provider_token_availability(lab)["DWAVE"] is False
    other = platform_for(hub.add_user().personal_access_token)
    assert other.users.get_user_provider_token_availability()["DWAVE"] is False
    with pytest.raises(NotFoundError):
        other.users.get_user_provider_token("DWAVE")
    me.users.delete_user_provider_token("DWAVE")
    with pytest.raises(NotFoundError):
        me.users.delete_user_provider_token("DWAVE")


@pytest.mark.parametrize(
    ("token_type", "body", "named"),
    [
        ("GITHUB", {"value": "SECRET"}, "DWAVE, IBM, IBM_CLOUD"),
        ("ibm", {"value": "SECRET"}, "IBM_CLOUD"),
        ("IBM", {}, "value"),
        ("IBM_CLOUD", {"serviceCrn": "SECRET"}, "apiKey"),
        ("IBM", {"value": 12345}, "value"),
        ("IBM", {"value": "  "}, "value"),
        ("IBM", {"value": "SECRET" + "x" * 4097}, "value"),
        ("DWAVE", {"value": "SECRET", "endpoint": "SECRET"}, "endpoint"),
        ("DWAVE", {"type": "IBM", "value": "SECRET"}, "type"),
    ],
)
def test_bad_tokens_are_422_naming_the_problem_and_store_nothing(
    hub: LocalHub, lab: str, token_type: str, body: dict[str, Any], named: str
) -> None:
    """An unknown type names the known ones; a missing, non-text, empty, overlong or unknown
    field names the field; nothing is stored, and no value is echoed."""
    assert hub.connection is not None
    marker = secret("never-echoed")
    sent = {k: v.replace("SECRET", marker) if isinstance(v, str) else v for k, v in body.items()}
    headers = {"X-Auth-Token": hub.connection.personal_access_token}
    for path in (f"/organizations/{lab}/provider-tokens/", "/my/provider-tokens/"):
        url = hub.connection.platform_url + path + token_type
        response = httpx.put(url, json=sent, headers=headers)
        assert response.status_code == 422, response.text
        assert named in response.json()["message"]
        assert marker not in response.text
        listed = httpx.get(url.rsplit("/", 1)[0], headers=headers).json()
        assert listed.get(token_type, False) is False


def test_tokens_are_sealed_at_rest_and_never_logged(
    hub: LocalHub, platform_for: Platform, lab: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The SQLite file (with its WAL) holds no token value in clear, though it holds the
    organization's name; no log line carries one, even of a refused body."""
    caplog.set_level(logging.DEBUG)
    platform = platform_for()
    values = {name: secret(name) for name in ("org-ibm", "my-dwave", "crn", "api-key", "refused")}
    platform.organizations.update_organization_provider_token(
        lab, "IBM", request={"value": values["org-ibm"]}
    )
    platform.users.update_user_provider_token("DWAVE", request={"value": values["my-dwave"]})
    platform.users.update_user_provider_token(
        "IBM_CLOUD", request={"serviceCrn": values["crn"], "apiKey": values["api-key"]}
    )
    with pytest.raises(UnprocessableEntityError):
        platform.users.update_user_provider_token(
            "IBM_CLOUD", request={"apiKey": values["refused"]}
        )
    on_disk = stored_bytes(hub)
    name = platform.organizations.get_organization(lab).display_name
    assert name is not None and name.encode() in on_disk  # the files read are the store's
    for value in values.values():
        assert value.encode() not in on_disk
        assert value not in caplog.text
    assert platform.users.get_user_provider_token("IBM_CLOUD").service_crn == values["crn"]  # type: ignore[union-attr]


def test_viewers_see_availability_only_and_others_see_nothing(
    hub: LocalHub, platform_for: Platform, lab: str
) -> None:
    """A viewer of the organization sees which tokens are set but can't read, set or delete
    them (403); a maintainer can; another organization gets 404 for everything; a service
    execution's token has no personal tokens (403)."""
    owner = platform_for()
    owner.organizations.update_organization_provider_token(
        lab, "IBM", request={"value": "owner-set-value-7777"}
    )
    outsider = hub.add_user()
    theirs = platform_for(outsider.personal_access_token)
    for call in (
        lambda: theirs.organizations.get_organization_provider_token_availability(lab),
        lambda: theirs.organizations.get_organization_provider_token(lab, "IBM"),
        lambda: theirs.organizations.update_organization_provider_token(
            lab, "IBM", request={"value": "x"}
        ),
        lambda: theirs.organizations.delete_organization_provider_token(lab, "IBM"),
    ):
        with pytest.raises(NotFoundError):
            call()

    their_id = user_id_of(hub, outsider)
    owner.organizations.add_organization_member(lab, sid=their_id, access_permission_role="VIEWER")
    viewer = platform_for(outsider.personal_access_token, lab).organizations
    assert viewer.get_organization_provider_token_availability(lab)["IBM"] is True
    for call in (
        lambda: viewer.get_organization_provider_token(lab, "IBM"),
        lambda: viewer.update_organization_provider_token(
            lab, "IBM", request={"value": "viewer-value"}
        ),
        lambda: viewer.delete_organization_provider_token(lab, "IBM"),
    ):
        with pytest.raises(ForbiddenError):
            call()
    assert owner.organizations.get_organization_provider_token(lab, "IBM").value == "****7777"  # type: ignore[union-attr]

    owner.organizations.update_organization_member_permission(
        lab, their_id, access_permission_role="MAINTAINER"
    )
    viewer.update_organization_provider_token(lab, "IBM", request={"value": "maintainer-set-8888"})
    assert viewer.get_organization_provider_token(lab, "IBM").value == "****8888"  # type: ignore[union-attr]
    viewer.delete_organization_provider_token(lab, "IBM")

    assert hub.connection is not None
    execution_token = hub.hub.organizations.issue_execution_token(
        hub.connection.application["id"], "an-execution", hub.connection.organization_id
    )
    as_execution = platform_for(execution_token)
    with pytest.raises(ForbiddenError):
        as_execution.users.get_user_provider_token_availability()
    org = hub.connection.organization_id
    assert set(as_execution.organizations.get_organization_provider_token_availability(org)) == {
        "DWAVE",
        "IBM",
        "IBM_CLOUD",
    }


def user_id_of(hub: LocalHub, user: LocalUser) -> str:
    """A user's id, from the User API."""
    assert hub.connection is not None
    with HubUserClient(
        api_key=user.personal_access_token, base_url=hub.connection.user_url
    ) as users:
        me = users.user_settings.get_current_user()
    assert me.id is not None
    return me.id


# -- organization images ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "media_type"),
    [(PNG, "image/png"), (JPEG, "image/jpeg"), (GIF, "image/gif"), (WEBP, "image/webp")],
)
def test_an_image_is_told_by_its_bytes(
    platform_for: Platform, lab: str, content: bytes, media_type: str
) -> None:
    """Each image type is stored whatever type the upload declares, and comes back as its
    own media type, byte for byte."""
    organizations = platform_for().organizations
    organizations.update_organization_image(lab, file=("logo.txt", content, "text/plain"))
    with organizations.get_organization_image(lab) as stream:
        assert stream.headers["content-type"] == media_type
        assert b"".join(stream) == content


@pytest.mark.parametrize(
    "content",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"RIFF\x00\x00\x00\x00WAVEfmt ",
        b"\x89PN",
        b"GIF90a",
    ],
)
def test_what_is_no_image_is_415_and_the_previous_stays(
    hub: LocalHub, platform_for: Platform, lab: str, content: bytes
) -> None:
    """Bytes that are no PNG, JPEG, GIF or WebP are refused even when declared image/png;
    the image before stays, and no temporary file is left."""
    organizations = platform_for().organizations
    organizations.update_organization_image(lab, file=("logo.png", PNG, "image/png"))
    files = image_files(hub)
    with pytest.raises(UnsupportedMediaTypeError):
        organizations.update_organization_image(lab, file=("logo.png", content, "image/png"))
    assert b"".join(organizations.get_organization_image(lab)) == PNG
    assert image_files(hub) == files


def test_an_image_over_2_mib_is_413_with_nothing_stored(
    hub: LocalHub, platform_for: Platform, lab: str
) -> None:
    """2 MiB is taken; a byte more is 413 whether the size is declared or only streamed, and
    nothing is stored (no image, no temporary file)."""
    assert hub.connection is not None
    organizations = platform_for().organizations
    before = image_files(hub)
    too_large = PNG + b"\x00" * (2 * MiB + 1 - len(PNG))
    with pytest.raises(ContentTooLargeError):
        organizations.update_organization_image(lab, file=("big.png", too_large, "image/png"))
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
        f"Content-Type: image/png\r\n\r\n".encode()
        + too_large
        + f"\r\n--{boundary}--\r\n".encode()
    )
    streamed = httpx.post(
        f"{hub.connection.platform_url}/organizations/{lab}/image",
        content=(body[i : i + 65536] for i in range(0, len(body), 65536)),  # chunked: no length
        headers={
            "X-Auth-Token": hub.connection.personal_access_token,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert streamed.status_code == 413, streamed.text
    with pytest.raises(NotFoundError):
        organizations.get_organization_image(lab)
    assert image_files(hub) == before
    organizations.update_organization_image(lab, file=("max.png", too_large[:-1], "image/png"))
    assert len(b"".join(organizations.get_organization_image(lab))) == 2 * MiB


def test_malformed_uploads_are_refused(hub: LocalHub, lab: str) -> None:
    """No file part or an empty one: 400; a body that is not multipart: 415."""
    assert hub.connection is not None
    url = f"{hub.connection.platform_url}/organizations/{lab}/image"
    headers = {"X-Auth-Token": hub.connection.personal_access_token}
    other_part = httpx.post(url, files={"picture": ("a.png", PNG, "image/png")}, headers=headers)
    assert other_part.status_code == 400 and "'file'" in other_part.json()["message"]
    empty = httpx.post(url, files={"file": ("a.png", b"", "image/png")}, headers=headers)
    assert empty.status_code == 400 and "empty" in empty.json()["message"]
    as_json = httpx.post(url, json={"file": "iVBORw0KGgo="}, headers=headers)
    assert as_json.status_code == 415
    assert httpx.get(url, headers=headers).status_code == 404


def test_who_may_see_and_change_the_image(hub: LocalHub, platform_for: Platform, lab: str) -> None:
    """Members read it; only owners change or delete it (a maintainer: 403); another
    organization gets 404; DELETE removes it (then 404)."""
    owner = platform_for().organizations
    owner.update_organization_image(lab, file=("logo.gif", GIF, "image/gif"))
    outsider = hub.add_user()
    theirs = platform_for(outsider.personal_access_token).organizations
    for call in (
        lambda: theirs.get_organization_image(lab),
        lambda: theirs.update_organization_image(lab, file=("x.png", PNG, "image/png")),
        lambda: theirs.delete_organization_image(lab),
    ):
        with pytest.raises(NotFoundError):
            call()
    owner.add_organization_member(
        lab, sid=user_id_of(hub, outsider), access_permission_role="MAINTAINER"
    )
    maintainer = platform_for(outsider.personal_access_token, lab).organizations
    assert b"".join(maintainer.get_organization_image(lab)) == GIF
    with pytest.raises(ForbiddenError):
        maintainer.update_organization_image(lab, file=("x.png", PNG, "image/png"))
    with pytest.raises(ForbiddenError):
        maintainer.delete_organization_image(lab)
    owner.delete_organization_image(lab)
    with pytest.raises(NotFoundError):
        owner.get_organization_image(lab)
    with pytest.raises(NotFoundError):
        owner.delete_organization_image(lab)


def test_image_and_tokens_go_with_their_organization(
    hub: LocalHub, platform_for: Platform, lab: str
) -> None:
    """Deleting an organization removes its image file and its provider token rows."""
    organizations = platform_for().organizations
    before = image_files(hub)
    organizations.update_organization_image(lab, file=("logo.png", PNG, "image/png"))
    organizations.update_organization_provider_token(
        lab, "IBM", request={"value": "gone-with-it-0000"}
    )
    assert len(image_files(hub) - before) == 1

    def token_rows() -> int:
        database = hub.hub.data_dir / "hub.sqlite3"
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            query = "SELECT count(*) FROM provider_tokens WHERE owner_id = ?"
            return int(db.execute(query, (lab,)).fetchone()[0])

    assert token_rows() == 1
    organizations.delete_organization(lab)
    assert image_files(hub) == before
    assert token_rows() == 0


# -- invitations -----------------------------------------------------------------------------


def test_there_are_no_invitations_to_answer(platform_for: Platform) -> None:
    """Members are added at once: /my/invitations is empty, and accepting or declining any
    invitation is 404 naming it."""
    users = platform_for().users
    assert users.get_my_invitations() == []
    with pytest.raises(NotFoundError) as accepted:
        users.accept_invitation("invitation-1")
    assert "invitation-1" in accepted.value.body["message"]
    with pytest.raises(NotFoundError) as declined:
        users.decline_invitation("invitation-2")
    assert "invitation-2" in declined.value.body["message"]


# -- restarts and the async client -----------------------------------------------------------


def test_tokens_and_images_survive_a_restart(tmp_path: Path) -> None:
    """Same data directory, new Hub: tokens still open (masked the same) and the image is
    the same bytes."""
    value = secret("kept")
    with LocalHub(tmp_path, example=False) as first:
        assert first.connection is not None
        org = first.connection.organization_id
        with _client(first) as platform:
            platform.organizations.update_organization_provider_token(
                org, "DWAVE", request={"value": value}
            )
            platform.users.update_user_provider_token("IBM", request={"value": value})
            platform.organizations.update_organization_image(
                org, file=("logo.webp", WEBP, "image/webp")
            )
    with LocalHub(tmp_path, example=False) as second, _client(second) as platform:
        shown = "****" + value[-4:]
        assert platform.organizations.get_organization_provider_token(org, "DWAVE").value == shown  # type: ignore[union-attr]
        assert platform.users.get_user_provider_token("IBM").value == shown  # type: ignore[union-attr]
        with platform.organizations.get_organization_image(org) as stream:
            assert (stream.headers["content-type"], b"".join(stream)) == ("image/webp", WEBP)


def _client(hub: LocalHub) -> HubPlatformClient:
    assert hub.connection is not None
    return HubPlatformClient(
        api_key=hub.connection.personal_access_token,
        base_url=hub.connection.platform_url,
        max_retries=0,
    )


async def test_async_tokens_and_image(hub: LocalHub, lab: str) -> None:
    """The async client sets, reads masked, lists and deletes a token, and uploads and
    streams an image."""
    assert hub.connection is not None
    async with AsyncHubPlatformClient(
        api_key=hub.connection.personal_access_token, base_url=hub.connection.platform_url
    ) as platform:
        organizations = platform.organizations
        await organizations.update_organization_provider_token(
            lab, "IBM_CLOUD", request={"serviceCrn": "crn:async", "apiKey": "async-api-key-4321"}
        )
        shown = await organizations.get_organization_provider_token(lab, "IBM_CLOUD")
        assert (shown.service_crn, shown.api_key) == ("crn:async", "****4321")  # type: ignore[union-attr]
        assert (await organizations.get_organization_provider_token_availability(lab))["IBM_CLOUD"]
        await organizations.delete_organization_provider_token(lab, "IBM_CLOUD")
        assert not (await organizations.get_organization_provider_token_availability(lab))[
            "IBM_CLOUD"
        ]
        await organizations.update_organization_image(lab, file=("a.jpg", JPEG, "image/jpeg"))
        stream = await organizations.get_organization_image(lab)
        assert stream.headers["content-type"] == "image/jpeg"
        assert b"".join([chunk async for chunk in stream]) == JPEG
