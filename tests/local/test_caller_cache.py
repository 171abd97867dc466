"""The callers kept between requests (domain.identity.callers): a token's second request
reads nothing from the store, and every identity write, or the token's expiry, is seen by
the very next request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from qhub.local.domain import Forbidden, Unauthorized
from qhub.local.domain.identity import callers, users
from qhub.local.domain.identity.inputs import NewOrganization, NewToken
from qhub.local.domain.identity.store import IdentityStore
from qhub.local.server import LocalHub


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    with LocalHub(tmp_path_factory.mktemp("hub"), example=False) as hub:
        yield hub


def _new_token(local: LocalHub, expires_at: dt.datetime | None = None) -> tuple[str, str]:
    """A fresh personal access token of the Hub's user: (its id, its value)."""
    assert local.connection is not None
    user, _ = local.hub.users.authenticate(local.connection.personal_access_token)
    token, value = local.hub.users.create_token(user, NewToken("cached", expires_at))
    return token.id, value


def test_a_tokens_next_request_reads_nothing(
    local: LocalHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, value = _new_token(local)
    reads: list[str] = []
    access_token = IdentityStore.access_token

    def counted(store: IdentityStore, token_hash: str) -> object:
        reads.append(token_hash)
        return access_token(store, token_hash)

    monkeypatch.setattr(IdentityStore, "access_token", counted)
    organizations = local.hub.organizations
    first = organizations.for_api_key(value, None)
    assert organizations.for_api_key(value, None) == first
    assert organizations.service_execution_of(value) is None  # a known personal token
    assert len(reads) == 1


def test_a_deleted_token_is_refused_at_its_next_request(local: LocalHub) -> None:
    token_id, value = _new_token(local)
    local.hub.organizations.for_api_key(value, None)
    user, _ = local.hub.users.authenticate(value)
    local.hub.users.delete_token(user, token_id)
    with pytest.raises(Unauthorized):
        local.hub.organizations.for_api_key(value, None)


def test_a_deleted_organization_is_refused_at_the_next_request(local: LocalHub) -> None:
    _, value = _new_token(local)
    organizations = local.hub.organizations
    caller = organizations.caller(value, None)
    other = organizations.create(
        caller, NewOrganization(display_name="Kept a moment", billing_email="kept@example.com")
    ).organization.id
    assert organizations.for_api_key(value, other) == other
    organizations.delete(caller, other)
    with pytest.raises(Forbidden):
        organizations.for_api_key(value, other)


def test_an_expired_token_is_refused_though_it_was_kept(
    local: LocalHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    _, value = _new_token(local, expires)
    local.hub.organizations.for_api_key(value, None)
    later = expires + dt.timedelta(seconds=1)
    monkeypatch.setattr(callers, "utc_now", lambda: later)
    monkeypatch.setattr(users, "utc_now", lambda: later)
    with pytest.raises(Unauthorized):
        local.hub.organizations.for_api_key(value, None)
