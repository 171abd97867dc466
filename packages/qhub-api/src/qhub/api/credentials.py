"""Resolve an access token: an explicit value, the environment, or the ``qhubctl`` config file.

>>> from qhub.api.credentials import DefaultCredentialsProvider
>>> token = DefaultCredentialsProvider().get_access_token()  # doctest: +SKIP

The clients never call these helpers themselves; pass the token as ``api_key``/``token``.
Paths and variables are read when a token is asked for, not when a provider is created. An
explicitly configured config path is used strictly: if it does not exist, that is the error
(the legacy ``planqk`` file is a fallback only for the default location).
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

__all__ = [
    "ConfigFileCredential",
    "CredentialProvider",
    "CredentialUnavailableError",
    "DefaultCredentialsProvider",
    "EnvironmentCredential",
    "StaticCredential",
    "config_file_candidates",
    "load_config_file",
]

#: Token variables, first non-empty wins: an execution token beats a personal access token.
TOKEN_ENV_VARS = (
    "KQH_SERVICE_EXECUTION_TOKEN",
    "KQH_PERSONAL_ACCESS_TOKEN",
    "PLANQK_SERVICE_EXECUTION_TOKEN",
    "SERVICE_EXECUTION_TOKEN",
    "PLANQK_PERSONAL_ACCESS_TOKEN",
)
CONFIG_PATH_ENV_VARS = ("KQH_CONFIG_FILE_PATH", "PLANQK_CONFIG_FILE_PATH")


class CredentialUnavailableError(Exception):
    """No credential could be found where the provider looked."""

    def __init__(
        self,
        message: str = (
            "Credentials not found. Please set your personal access token as parameter, "
            "in the environment, or use 'qhubctl login' to authenticate."
        ),
    ) -> None:
        super().__init__(message)


class CredentialProvider:
    """A source of access tokens."""

    def get_access_token(self) -> str:
        """Return the token.

        Raises:
            CredentialUnavailableError: this source has none.
        """
        raise CredentialUnavailableError()


class StaticCredential(CredentialProvider):
    """The token given to the constructor (``None`` or empty counts as missing).

    ``StaticCredential(token)`` as the seeds document it; the vendor's keyword
    ``access_token=`` is accepted too.
    """

    def __init__(self, token: str | None = None, *, access_token: str | None = None) -> None:
        if token is not None and access_token is not None:
            raise TypeError("pass token= or access_token=, not both")
        self._token = token if token is not None else access_token

    def get_access_token(self) -> str:
        """The given token."""
        if not self._token:
            raise CredentialUnavailableError("Access token not set")
        return self._token

    def __repr__(self) -> str:
        return "StaticCredential(token=<hidden>)"


class EnvironmentCredential(CredentialProvider):
    """The first non-empty of the token environment variables (see ``TOKEN_ENV_VARS``)."""

    def get_access_token(self) -> str:
        """The token from the environment."""
        for name in TOKEN_ENV_VARS:
            value = os.environ.get(name)
            if value:
                return value
        raise CredentialUnavailableError(
            f"No access token in the environment: set one of {', '.join(TOKEN_ENV_VARS)}"
        )


def _default_dir(name: str) -> Path:
    if platform.system() == "Windows":
        base = os.environ.get("LOCALAPPDATA")
        return (Path(base) if base else Path.home()) / name
    return Path.home() / ".config" / name


def config_file_candidates() -> tuple[list[Path], bool]:
    """The config files to try in order, and whether the path was configured explicitly."""
    for name in CONFIG_PATH_ENV_VARS:
        value = os.environ.get(name)
        if value:
            return [Path(value).expanduser()], True
    return [_default_dir("qhubctl") / "config.json", _default_dir("planqk") / "config.json"], False


def load_config_file() -> tuple[Path, dict[str, Any]] | None:
    """The first existing config file and its JSON object, or ``None`` when there is none.

    Raises:
        CredentialUnavailableError: an explicitly configured file is missing, or a file is
            not a JSON object.
    """
    candidates, explicit = config_file_candidates()
    for path in candidates:
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CredentialUnavailableError(f"Failed to parse config file {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise CredentialUnavailableError(f"Config file {path} does not hold a JSON object")
        return path, data
    if explicit:
        raise CredentialUnavailableError(f"Config file at {candidates[0]} does not exist")
    return None


class ConfigFileCredential(CredentialProvider):
    """``auth.value`` of the ``qhubctl`` config file."""

    def get_access_token(self) -> str:
        """The token from the config file."""
        found = load_config_file()
        if found is None:
            raise CredentialUnavailableError(
                f"Config file at {config_file_candidates()[0][0]} does not exist"
            )
        path, data = found
        auth = data.get("auth")
        value = auth.get("value") if isinstance(auth, dict) else None
        if not isinstance(value, str) or not value:
            raise CredentialUnavailableError(f"Config file {path} has no auth.value")
        return value


class DefaultCredentialsProvider(CredentialProvider):
    """Tries the given token, then the environment, then the config file."""

    def __init__(self, access_token: str | None = None) -> None:
        self._providers: list[CredentialProvider] = [
            StaticCredential(access_token),
            EnvironmentCredential(),
            ConfigFileCredential(),
        ]

    def get_access_token(self) -> str:
        """The first token found."""
        for provider in self._providers:
            try:
                return provider.get_access_token()
            except CredentialUnavailableError:
                continue
        raise CredentialUnavailableError()

    def __repr__(self) -> str:
        return "DefaultCredentialsProvider()"
