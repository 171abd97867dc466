"""Token and organization resolution from arguments, environment and the qhubctl config file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qhub.api.context import ContextError, ContextResolver
from qhub.api.credentials import (
    CONFIG_PATH_ENV_VARS,
    TOKEN_ENV_VARS,
    ConfigFileCredential,
    CredentialUnavailableError,
    DefaultCredentialsProvider,
    EnvironmentCredential,
)

ORG_VARS = ("KQH_ORGANIZATION_ID", "PLANQK_ORGANIZATION_ID")


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No token, config path or organization variables; HOME in a temporary directory."""
    for name in (*TOKEN_ENV_VARS, *CONFIG_PATH_ENV_VARS, *ORG_VARS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def write_config(path: Path, data: object) -> Path:
    """A config file with ``data`` as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


def test_order_is_argument_then_environment_then_file(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An explicit token wins; then the execution token beats the PAT; then the config file."""
    write_config(clean_env / ".config/qhubctl/config.json", {"auth": {"value": "from-file"}})
    assert DefaultCredentialsProvider().get_access_token() == "from-file"
    monkeypatch.setenv("KQH_PERSONAL_ACCESS_TOKEN", "pat")
    assert DefaultCredentialsProvider().get_access_token() == "pat"
    monkeypatch.setenv("KQH_SERVICE_EXECUTION_TOKEN", "exec")
    assert EnvironmentCredential().get_access_token() == "exec"
    assert DefaultCredentialsProvider("explicit").get_access_token() == "explicit"


def test_legacy_file_is_a_fallback_for_the_default_location_only(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """~/.config/planqk is used when ~/.config/qhubctl is absent, but not for an explicit path."""
    write_config(clean_env / ".config/planqk/config.json", {"auth": {"value": "legacy"}})
    assert ConfigFileCredential().get_access_token() == "legacy"
    monkeypatch.setenv("KQH_CONFIG_FILE_PATH", str(clean_env / "missing.json"))
    with pytest.raises(CredentialUnavailableError, match="missing.json does not exist"):
        ConfigFileCredential().get_access_token()


def test_nothing_found_raises_the_documented_error() -> None:
    """No token anywhere: CredentialUnavailableError with the vendor's message."""
    with pytest.raises(CredentialUnavailableError, match="use 'qhubctl login' to authenticate"):
        DefaultCredentialsProvider().get_access_token()


def test_corrupt_config_is_named_and_the_token_never_shown(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Invalid JSON names the file; a missing auth.value says so."""
    path = clean_env / "c.json"
    path.write_text("{not json")
    monkeypatch.setenv("KQH_CONFIG_FILE_PATH", str(path))
    with pytest.raises(CredentialUnavailableError, match="Failed to parse config file"):
        ConfigFileCredential().get_access_token()
    write_config(path, {"auth": {}})
    with pytest.raises(CredentialUnavailableError, match="no auth.value"):
        ConfigFileCredential().get_access_token()


def test_organization_env_wins_even_without_a_config_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """KQH_ORGANIZATION_ID works with no config file at all (the vendor ignores it then)."""
    assert ContextResolver().get_organization_id() is None
    monkeypatch.setenv("PLANQK_ORGANIZATION_ID", "legacy-org")
    assert ContextResolver().get_organization_id() == "legacy-org"
    monkeypatch.setenv("KQH_ORGANIZATION_ID", "org-env")
    assert ContextResolver().get_organization_id() == "org-env"


def test_organization_from_the_login_context(clean_env: Path) -> None:
    """An organization context gives its id; a user context gives none."""
    path = clean_env / ".config/qhubctl/config.json"
    write_config(
        path,
        {
            "auth": {"value": "t"},
            "context": {"id": "org-1", "displayName": "Acme", "isOrganization": True},
        },
    )
    context = ContextResolver().get_context()
    assert context is not None and context.display_name == "Acme"
    assert ContextResolver().get_organization_id() == "org-1"
    write_config(
        path, {"auth": {"value": "t"}, "context": {"id": "user-1", "isOrganization": False}}
    )
    assert ContextResolver().get_organization_id() is None


def test_corrupt_context_is_a_context_error(clean_env: Path) -> None:
    """A context of the wrong shape is a ContextError naming the file, not a pydantic error."""
    write_config(clean_env / ".config/qhubctl/config.json", {"context": ["nope"]})
    with pytest.raises(ContextError, match="config.json"):
        ContextResolver().get_context()


def test_static_credential_takes_the_seeds_and_the_vendors_spelling() -> None:
    """``StaticCredential(token)`` as documented, ``access_token=`` as the vendor spells it;
    neither shows the token in its repr."""
    from qhub.api.credentials import StaticCredential

    assert StaticCredential("tok-1").get_access_token() == "tok-1"
    assert StaticCredential(access_token="tok-2").get_access_token() == "tok-2"
    assert "tok-2" not in repr(StaticCredential(access_token="tok-2"))
    with pytest.raises(TypeError, match="not both"):
        StaticCredential("a", access_token="b")
    with pytest.raises(CredentialUnavailableError):
        StaticCredential().get_access_token()
