"""Resolve the active organization: ``KQH_ORGANIZATION_ID``, or the ``qhubctl`` login context.

>>> from qhub.api.context import ContextResolver
>>> ContextResolver().get_organization_id()  # doctest: +SKIP

The environment variables are honoured whether or not a config file exists (the vendor
ignores them without a file). A config file that can't be read raises :class:`ContextError`
naming it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from .credentials import CredentialUnavailableError, load_config_file

__all__ = ["Context", "ContextError", "ContextResolver"]

ORGANIZATION_ENV_VARS = ("KQH_ORGANIZATION_ID", "PLANQK_ORGANIZATION_ID")


class ContextError(Exception):
    """The config file exists but its context can't be read."""


def _organization_from_env() -> str | None:
    for name in ORGANIZATION_ENV_VARS:
        value = os.environ.get(name)
        if value:
            return value
    return None


@dataclass(frozen=True)
class Context:
    """The account ``qhubctl`` is logged in as (a user or an organization)."""

    id: str | None = None
    display_name: str | None = None
    is_organization: bool = False
    role: str | None = None
    account_type: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Context:
        """Build from the config file's ``context`` object (camelCase or snake_case keys)."""

        def pick(*names: str) -> Any:
            return next((data[n] for n in names if n in data), None)

        is_org = pick("isOrganization", "is_organization")
        return cls(
            id=pick("id"),
            display_name=pick("displayName", "display_name"),
            is_organization=bool(is_org),
            role=pick("role"),
            account_type=pick("accountType", "account_type"),
        )

    def get_organization_id(self) -> str | None:
        """The organization to scope requests to: env variables first, then this context."""
        from_env = _organization_from_env()
        if from_env:
            return from_env
        return self.id if self.is_organization and self.id else None


class ContextResolver:
    """Reads the login context from the ``qhubctl`` config file."""

    def get_context(self) -> Context | None:
        """The context, or ``None`` when there is no file or no context in it.

        Raises:
            ContextError: the file is unreadable or its context has the wrong shape.
        """
        try:
            found = load_config_file()
        except CredentialUnavailableError as exc:
            raise ContextError(str(exc)) from exc
        if found is None:
            return None
        path, data = found
        context = data.get("context")
        if context is None:
            return None
        if not isinstance(context, dict):
            raise ContextError(f"Config file {path}: 'context' must be an object")
        return Context.from_json(context)

    def get_organization_id(self) -> str | None:
        """``KQH_ORGANIZATION_ID`` / ``PLANQK_ORGANIZATION_ID``, else the organization context."""
        from_env = _organization_from_env()
        if from_env:
            return from_env
        context = self.get_context()
        return context.get_organization_id() if context else None
