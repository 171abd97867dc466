"""Identity records: organizations and their members, applications with their access keys
and subscriptions, users and their personal access tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ROLES",
    "AccessKey",
    "AccessToken",
    "Application",
    "Caller",
    "Member",
    "Membership",
    "Organization",
    "OrganizationView",
    "ProfileImage",
    "Registration",
    "Role",
    "Subscription",
    "User",
]

#: A member's role in an organization, weakest first.
Role = Literal["VIEWER", "MAINTAINER", "OWNER"]
ROLES: tuple[Role, ...] = ("VIEWER", "MAINTAINER", "OWNER")


@dataclass(frozen=True)
class Organization:
    """An organization: the tenant that owns applications, executions, jobs and data.

    ``name`` is a unique handle derived from ``display_name``.
    """

    id: str
    name: str
    display_name: str
    created_at: dt.datetime
    description: str | None = None
    billing_email: str | None = None


@dataclass(frozen=True)
class Membership:
    """A user's role in an organization."""

    organization_id: str
    user_id: str
    role: Role
    created_at: dt.datetime


@dataclass(frozen=True)
class Caller:
    """Who a Platform or Quantum request acts as.

    Attributes:
        organization_id: the organization the request acts for (``X-OrganizationId``, or the
            token's own organization).
        user_id: the user behind a personal access token; None for a service execution's
            token, which acts for its application's organization.
        role: the user's role in ``organization_id``; None for an execution's token.
        application_id: the application of an execution's token.
        execution_id: the execution of an execution's token.
    """

    organization_id: str
    user_id: str | None = None
    role: Role | None = None
    application_id: str | None = None
    execution_id: str | None = None


@dataclass(frozen=True)
class Application:
    """A client application of an organization; it owns an access key and its executions."""

    id: str
    name: str
    access_key_id: str
    organization_id: str
    created_at: dt.datetime


@dataclass(frozen=True)
class AccessKey:
    """An application's gateway access key; ``secret_access_key`` is None when the Hub no
    longer has it (keys made before secrets were kept sealed)."""

    application_id: str
    access_key_id: str
    secret_access_key: str | None


@dataclass(frozen=True)
class Subscription:
    """An application's subscription to a service: without one, the service's gateway refuses
    the application (403)."""

    id: str
    organization_id: str
    application_id: str
    service_id: str
    created_at: dt.datetime


@dataclass
class User:
    """A local user: the one member of its own organization."""

    id: str
    organization_id: str
    username: str
    email: str
    firstname: str | None = None
    lastname: str | None = None
    current_position: str | None = None
    homepage: str | None = None
    about: str | None = None


@dataclass(frozen=True)
class AccessToken:
    """A personal access token, as stored: its hash and what the user may see of it."""

    id: str
    token_hash: str
    organization_id: str
    name: str
    is_default: bool
    hint: str
    created_at: dt.datetime
    expires_at: dt.datetime | None = None
    used_at: dt.datetime | None = None


@dataclass(frozen=True)
class ProfileImage:
    """A user's profile image."""

    content_type: str
    content: bytes


@dataclass(frozen=True)
class Registration:
    """Whether an e-mail address belongs to a user (``APPROVED``) or not (``NOT_FOUND``)."""

    status: str
    message: str


@dataclass(frozen=True)
class OrganizationView:
    """An organization as one caller sees it: their role, and whether they are its only
    owner."""

    organization: Organization
    role: Role | None
    last_owner: bool


@dataclass(frozen=True)
class Member:
    """A member of an organization: the user and their membership."""

    user: User
    membership: Membership
