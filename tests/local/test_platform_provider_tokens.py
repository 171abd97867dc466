"""Provider tokens of organizations and of the signed-in user through our strict
HubPlatformClient against a real Hub over loopback: round trips, masking, validation that
names fields and never echoes values, tokens sealed in the SQLite file, roles, other
organizations' 404s, removal with their user."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from qhub.api.platform.errors import ForbiddenError, NotFoundError, UnprocessableEntityError
from qhub.api.platform.types import ProviderToken_Dwave, ProviderToken_Ibm, ProviderToken_IbmCloud
from qhub.api.user import HubUserClient
from qhub.local.server import LocalHub

from .identity_helpers import (
    Platform,
    new_organization,
    platform_clients,
    secret,
    stored_bytes,
    token_rows,
    user_id_of,
)


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
    outsider = hub.add_user()
    other = platform_for(outsider.personal_access_token)
    assert other.users.get_user_provider_token_availability()["DWAVE"] is False
    with pytest.raises(NotFoundError):
        other.users.get_user_provider_token("DWAVE")
    me.users.delete_user_provider_token("DWAVE")
    with pytest.raises(NotFoundError):
        me.users.delete_user_provider_token("DWAVE")

    their_id = user_id_of(hub, outsider)
    other.users.update_user_provider_token("IBM", request={"value": "leaves-with-the-user"})
    assert token_rows(hub, their_id) == 1
    assert hub.connection is not None
    with HubUserClient(
        api_key=outsider.personal_access_token, base_url=hub.connection.user_url
    ) as account:
        account.user_settings.delete_current_user()
    assert token_rows(hub, their_id) == 0


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


def test_each_type_of_token_comes_back_as_its_own_class(platform_for: Platform, lab: str) -> None:
    """The spec's ``ProviderToken`` is discriminated on ``type``: an IBM token is a
    ``ProviderToken_Ibm`` (not the first variant that accepts ``value``), typed per class."""
    organizations = platform_for().organizations
    organizations.update_organization_provider_token(
        lab, "DWAVE", request={"value": "dwave-secret-0001"}
    )
    organizations.update_organization_provider_token(
        lab, "IBM", request={"value": "ibm-secret-0002"}
    )
    organizations.update_organization_provider_token(
        lab, "IBM_CLOUD", request={"serviceCrn": "crn:v1:x", "apiKey": "cloud-secret-0003"}
    )
    ibm = organizations.get_organization_provider_token(lab, "IBM")
    assert isinstance(ibm, ProviderToken_Ibm)
    assert (ibm.type, ibm.value) == ("IBM", "****0002")
    dwave = organizations.get_organization_provider_token(lab, "DWAVE")
    assert isinstance(dwave, ProviderToken_Dwave)
    assert dwave.value == "****0001"
    cloud = platform_for().organizations.get_organization_provider_token(lab, "IBM_CLOUD")
    assert isinstance(cloud, ProviderToken_IbmCloud)
    assert cloud.api_key == "****0003"
