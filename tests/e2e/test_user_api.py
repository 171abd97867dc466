"""The User API client against the local Hub's user service, over real HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from qhub.api.quantum import HubQuantumClient
from qhub.api.user import AsyncHubUserClient, HubUserClient, RegistrationResponseStatus
from qhub.api.user.errors import ApiError, BadRequestError, NotFoundError, UnauthorizedError
from qhub.local.server import LocalHub

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)  # the bytes are stored and served as they are


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub of this module's own (tokens are regenerated and users deleted here)."""
    with LocalHub(tmp_path_factory.mktemp("hub"), example=False) as local:
        yield local


def _user_client(hub: LocalHub, token: str | None = None) -> HubUserClient:
    assert hub.connection is not None
    return HubUserClient(
        api_key=token or hub.connection.personal_access_token, base_url=hub.connection.user_url
    )


def test_seed_quickstart(hub: LocalHub) -> None:
    """The seed's HubUserClient quickstart, with the local URL."""
    with _user_client(hub) as user:
        me = user.user_settings.get_current_user()
        tokens = user.user_settings_personal_access_tokens.get_personal_access_tokens()
        print(me.email, [t.name for t in tokens.access_tokens or []])
    assert (me.username, me.email) == ("local", "local@localhost")
    assert tokens.default_token is not None and tokens.default_token.startswith("pat_…")
    assert hub.connection is not None
    assert tokens.default_token.endswith(hub.connection.personal_access_token[-4:])


def test_profile_fields_change_only_when_given(hub: LocalHub) -> None:
    """Omitted fields stay, None clears, and the body says so on the wire."""
    with _user_client(hub) as user:
        user.user_settings.update_current_user(current_position="dev", about="qubits")
        changed = user.user_settings.update_current_user(homepage="https://x.io", about=None)
        assert (changed.current_position, changed.homepage, changed.about) == (
            "dev",
            "https://x.io",
            None,
        )
        assert user.user_settings.get_current_user() == changed
    assert hub.connection is not None
    response = httpx.put(
        f"{hub.connection.user_url}/me",
        json={"email": "new@x.io"},
        headers={"X-Auth-Token": hub.connection.personal_access_token},
    )
    assert response.status_code == 400
    assert "only currentPosition, homepage and about" in response.json()["message"]


def test_named_tokens_work_until_revoked_or_expired(hub: LocalHub) -> None:
    """A new token's value is shown once and authenticates (User and Quantum API alike);
    listings never show values; a revoked or expired token is refused."""
    assert hub.connection is not None
    with _user_client(hub) as user:
        tokens = user.user_settings_personal_access_tokens
        ci = tokens.create_personal_access_token(name="ci")
        assert ci.value is not None and ci.value.startswith("pat_") and ci.id
        brief = tokens.create_personal_access_token(
            name="brief", expires_at=datetime.now(timezone.utc) + timedelta(seconds=1)
        )
        listed = tokens.get_personal_access_tokens().access_tokens or []
        assert {t.name for t in listed} >= {"ci", "brief"}
        assert all(t.value is None for t in listed)
        with pytest.raises(BadRequestError, match="expiresAt must be in the future"):
            tokens.create_personal_access_token(name="old", expires_at="2020-01-01T00:00:00Z")
        with pytest.raises(BadRequestError, match="name is required"):
            tokens.create_personal_access_token(name=" ")

    with _user_client(hub, ci.value) as as_ci:
        principal = as_ci.authentication.authorize_by_personal_access_token()
        assert principal.access_token is not None
        assert (principal.access_token.name, principal.access_token.value) == ("ci", None)
        assert principal.access_token.used_at is not None
    with HubQuantumClient(api_key=ci.value, base_url=hub.connection.quantum_url) as quantum:
        assert quantum.backends.get_backend("aws.sim.sv1").id == "aws.sim.sv1"

    with _user_client(hub) as user:
        assert ci.id is not None
        user.user_settings_personal_access_tokens.delete_personal_access_token(ci.id)
        with pytest.raises(NotFoundError, match="no personal access token"):
            user.user_settings_personal_access_tokens.delete_personal_access_token(ci.id)
    with _user_client(hub, ci.value) as as_ci, pytest.raises(UnauthorizedError):
        as_ci.user_settings.get_current_user()
    time.sleep(1.1)
    assert brief.value is not None
    with (
        _user_client(hub, brief.value) as as_brief,
        pytest.raises(UnauthorizedError, match="'brief' has expired"),
    ):
        as_brief.user_settings.get_current_user()


def test_regenerating_the_default_token_replaces_it_everywhere(hub: LocalHub) -> None:
    """The old default token stops working; the new one works and connection.json has it."""
    assert hub.connection is not None
    old = hub.connection.personal_access_token
    with _user_client(hub, old) as user:
        new = user.user_settings_personal_access_tokens.regenerate_default_personal_access_token()
    assert new.default_token is not None and new.default_token != old
    with _user_client(hub, old) as stale, pytest.raises(UnauthorizedError):
        stale.user_settings.get_current_user()
    assert hub.connection.personal_access_token == new.default_token
    saved = json.loads((hub.data_dir / "connection.json").read_text())
    assert saved["personal_access_token"] == new.default_token
    with _user_client(hub) as user:
        assert user.user_settings.get_current_user().username == "local"


def test_profile_images_upload_link_and_delete(hub: LocalHub, tmp_path: Path) -> None:
    """An uploaded image is linked from its user and served at that URL; wrong types and
    oversized images are refused; deleting it leaves no link."""
    image = tmp_path / "me.png"
    image.write_bytes(PNG)
    with _user_client(hub) as user:
        me = user.user_settings.get_current_user()
        assert me.id is not None
        assert user.users.get_user_profile_image(me.id) is None
        user.user_settings.update_current_user_profile_image(file=image)
        link = user.users.get_user_profile_image(me.id)
        assert isinstance(link, str)
        served = httpx.get(link)
        assert (served.content, served.headers["content-type"]) == (PNG, "image/png")
        with pytest.raises(BadRequestError, match="PNG, JPEG, GIF or WebP"):
            user.user_settings.update_current_user_profile_image(
                file=("notes.txt", b"hello", "text/plain")
            )
        with pytest.raises(ApiError) as too_big:
            user.user_settings.update_current_user_profile_image(
                file=("big.png", bytes(3 << 20), None)
            )
        assert too_big.value.status_code == 413
        user.user_settings.delete_current_user_profile_image()
        assert user.users.get_user_profile_image(me.id) is None


def test_directory_lookups(hub: LocalHub) -> None:
    """By id, in batches, HEAD existence checks, search, registration status."""
    other = hub.add_user()
    with _user_client(hub) as user:
        me = user.user_settings.get_current_user()
        with _user_client(hub, other.personal_access_token) as them:
            their_id = them.user_settings.get_current_user().id
        assert me.id is not None and their_id is not None
        batch = user.users.resolve_users(ids=[me.id, "nobody", their_id])
        assert [u.id for u in batch.users or []] == [me.id, their_id]
        assert batch.not_found == "nobody"
        assert user.users.get_user_by_id(their_id).firstname == "User2"
        assert isinstance(user.users.check_user_exists(their_id), dict)
        with pytest.raises(NotFoundError) as missing:
            user.users.check_user_exists("nobody")
        assert isinstance(missing.value, ApiError)
        assert [u.id for u in user.search.users(query="user2")] == [their_id]
        assert {u.id for u in user.search.users(q="user")} == {me.id, their_id}
        with pytest.raises(TypeError, match="query"):
            user.search.users()
        approved = user.user_registration_status.get_user_registration_status(
            email="LOCAL@localhost"
        )
        assert approved.status == RegistrationResponseStatus.APPROVED
        unknown = user.user_registration_status.get_user_registration_status(email="x@y.z")
        assert unknown.status == RegistrationResponseStatus.NOT_FOUND


def test_a_deleted_user_is_gone_with_their_tokens(hub: LocalHub) -> None:
    """delete_current_user: the token stops working and the id is unknown."""
    doomed = hub.add_user()
    with _user_client(hub, doomed.personal_access_token) as them:
        doomed_id = them.user_settings.get_current_user().id
        assert doomed_id is not None
        them.user_settings.delete_current_user()
        with pytest.raises(UnauthorizedError):
            them.user_settings.get_current_user()
    with _user_client(hub) as user, pytest.raises(NotFoundError):
        user.users.get_user_by_id(doomed_id)


async def test_the_async_client_reads_what_the_sync_one_does(hub: LocalHub) -> None:
    """Each read of the async twin returns what the sync client returns."""
    assert hub.connection is not None
    with _user_client(hub) as sync:
        me_id = sync.user_settings.get_current_user().id
        assert me_id is not None
        async with AsyncHubUserClient(
            api_key=hub.connection.personal_access_token, base_url=hub.connection.user_url
        ) as async_:
            assert await async_.user_settings.get_current_user() == (
                sync.user_settings.get_current_user()
            )
            assert await async_.users.get_user_by_id(me_id) == sync.users.get_user_by_id(me_id)
            assert await async_.users.resolve_users(ids=[me_id]) == sync.users.resolve_users(
                ids=[me_id]
            )
            assert await async_.search.users(query="local") == sync.search.users(query="local")
            registration = async_.user_registration_status.get_user_registration_status
            assert (await registration(email="local@localhost")).status == "APPROVED"
            principal = await async_.authentication.authorize_by_personal_access_token()
            assert principal.id == me_id
            tokens = async_.user_settings_personal_access_tokens
            made = await tokens.create_personal_access_token(name="async")
            assert made.id is not None
            listed = (await tokens.get_personal_access_tokens()).access_tokens or []
            assert made.id in {t.id for t in listed}
            await tokens.delete_personal_access_token(made.id)
            assert isinstance(await async_.users.check_user_exists(me_id), dict)
            await async_.user_settings.update_current_user_profile_image(
                file=("a.png", PNG, "image/png")
            )
            assert isinstance(await async_.users.get_user_profile_image(me_id), str)
            await async_.user_settings.delete_current_user_profile_image()
            assert (await async_.user_settings.update_current_user(about="async")).about == (
                "async"
            )
