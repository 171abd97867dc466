"""Organization images and invitations through our strict HubPlatformClient against a real
Hub over loopback: images told by their bytes, limits with nothing stored, roles, removal
with the organization; no invitations to answer; tokens and images across a restart; the
async client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from qhub.api.platform import AsyncHubPlatformClient, HubPlatformClient
from qhub.api.platform.errors import (
    ContentTooLargeError,
    ForbiddenError,
    NotFoundError,
    UnsupportedMediaTypeError,
)
from qhub.local.server import LocalHub

from .identity_helpers import (
    GIF,
    JPEG,
    PNG,
    WEBP,
    Platform,
    image_files,
    new_organization,
    platform_clients,
    secret,
    token_rows,
    user_id_of,
)

MiB = 1 << 20


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub without services."""
    with LocalHub(tmp_path_factory.mktemp("hub"), example=False) as local:
        yield local


@pytest.fixture
def platform_for(hub: LocalHub) -> Iterator[Platform]:
    """Platform clients for a token (the default user's unless given), optionally acting
    for an organization."""
    with platform_clients(hub) as make:
        yield make


@pytest.fixture
def lab(platform_for: Platform) -> str:
    """A new organization the default user owns."""
    return new_organization(platform_for())


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
    assert token_rows(hub, lab) == 1
    organizations.delete_organization(lab)
    assert image_files(hub) == before
    assert token_rows(hub, lab) == 0


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
