"""Organizations, and which one a request acts for.

Every user has an organization of their own (where their personal access tokens act by
default; the Hub's default organization for the ``local`` user) and may be a member of
others. An ``X-Auth-Token`` is either a user's personal access token, acting for their own
organization or, with ``X-OrganizationId``, for another they are a member of; or the token a
service execution runs with, which acts for its application's organization. Other
organizations are not visible: their ids answer 404, and naming one in ``X-OrganizationId``
answers 403.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from ..clock import utc_now
from ..errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from ..store import Database
from .access import require_role
from .callers import CallerCache
from .inputs import UNCHANGED, NewOrganization, OrganizationChanges
from .records import Caller, Membership, Organization, OrganizationView, Role, User
from .secrets import EXECUTION_TOKEN_KIND, TokenSigner, hash_secret
from .store import IdentityStore
from .users import Users

__all__ = ["DEFAULT_ORGANIZATION_NAME", "EXECUTION_TOKEN_TTL", "Organizations", "handle_of"]

EXECUTION_TOKEN_TTL = 24 * 3600.0
DEFAULT_ORGANIZATION_NAME = "Local Hub"
MAX_NAME_LENGTH = 255


def handle_of(display_name: str) -> str:
    """The unique handle (``name``) an organization's display name gives: lower case, runs of
    other characters as one ``-`` (``"Quantum Lab"`` → ``quantum-lab``)."""
    return re.sub(r"[^a-z0-9]+", "-", display_name.lower()).strip("-") or "organization"


class Organizations:
    """Organizations, their callers, and the tokens service executions act with.

    Attributes:
        on_deleted: called with an organization's id once it is deleted, to remove what
            other parts keep of it outside the database (its image).
    """

    def __init__(
        self, database: Database, store: IdentityStore, users: Users, signer: TokenSigner
    ) -> None:
        self._database = database
        self._store = store
        self._users = users
        self._signer = signer
        self.on_deleted: list[Callable[[str], None]] = []
        self._callers = CallerCache(store)

    # -- the Hub's own organizations -------------------------------------------------------

    def ensure_default(self) -> str:
        """The id of the Hub's default organization, made on first need."""
        organization_id = self._database.meta("organization_id")
        if organization_id is None:
            organization_id = str(uuid.uuid4())
            self._database.set_meta("organization_id", organization_id)
        default = Organization(
            organization_id,
            handle_of(DEFAULT_ORGANIZATION_NAME),
            DEFAULT_ORGANIZATION_NAME,
            utc_now(),
        )
        self._store.ensure_organization(default, None)
        return organization_id

    def ensure_home(self, user: User) -> None:
        """The user's own organization exists and they are a member (an owner when new)."""
        display_name = user.username
        home = Organization(user.organization_id, handle_of(display_name), display_name, utc_now())
        self._store.ensure_organization(
            home, Membership(user.organization_id, user.id, "OWNER", utc_now())
        )

    def ensure_homes(self) -> None:
        """Every user's own organization exists with them as a member (for data made before
        organizations had members)."""
        for user in self._store.users():
            self.ensure_home(user)

    # -- callers ---------------------------------------------------------------------------

    def caller(self, api_key: str | None, organization_id: str | None) -> Caller:
        """Who an ``X-Auth-Token`` acts as, and for which organization.

        Args:
            api_key: a personal access token or a service execution's token.
            organization_id: the ``X-OrganizationId`` the caller named, if any.

        Raises:
            Unauthorized: no or an unknown token.
            Forbidden: ``organization_id`` names an organization the token can't act for.
        """
        if not api_key:
            raise Unauthorized("an X-Auth-Token header is required")
        known = self._callers.get(api_key, organization_id)
        if known is not None:
            return known
        generation = self._store.generation  # read before what it vouches for
        token = self._users.valid_token(api_key)
        if token is not None:
            user = self._store.user_of_organization(token.organization_id)
            if user is None:
                raise Unauthorized("the user of this token has been deleted")
            acting = organization_id or token.organization_id
            membership = self._store.membership(acting, user.id)
            if membership is None:
                raise Forbidden(f"the token has no access to organization {acting!r}")
            caller = Caller(acting, user.id, membership.role)
            self._callers.put(api_key, organization_id, caller, token.expires_at, generation)
            return caller
        try:
            claims = self._signer.verify(api_key, kind=EXECUTION_TOKEN_KIND)
        except Unauthorized:
            raise Unauthorized("the X-Auth-Token is not a valid token") from None
        acting = str(claims["org"])
        if organization_id is not None and organization_id != acting:
            raise Forbidden(f"the token has no access to organization {organization_id!r}")
        return Caller(
            acting, application_id=str(claims["sub"]), execution_id=str(claims["execution"])
        )

    def for_api_key(self, api_key: str | None, organization_id: str | None) -> str:
        """The organization an ``X-Auth-Token`` acts for (see :meth:`caller`).

        Raises:
            Unauthorized: no or an unknown token.
            Forbidden: ``organization_id`` names an organization the token can't act for.
        """
        return self.caller(api_key, organization_id).organization_id

    def service_execution_of(self, api_key: str | None) -> str | None:
        """The service execution an ``X-Auth-Token`` belongs to, if it is an execution token."""
        if not api_key or self._callers.knows(api_key):
            return None
        if self._store.access_token(hash_secret(api_key)) is not None:
            return None
        try:
            return str(self._signer.verify(api_key, kind=EXECUTION_TOKEN_KIND)["execution"])
        except Unauthorized:
            return None

    def issue_execution_token(
        self, application_id: str, execution_id: str, organization_id: str | None = None
    ) -> str:
        """The token a service execution acts with: as its application, naming the
        execution, for the application's organization (the default one unless given)."""
        claims = {
            "kind": EXECUTION_TOKEN_KIND,
            "sub": application_id,
            "execution": execution_id,
            "org": organization_id or self._database.meta("organization_id"),
        }
        return self._signer.issue(claims, EXECUTION_TOKEN_TTL)

    # -- the Platform's organizations ------------------------------------------------------

    def role_in(self, caller: Caller, organization_id: str) -> Role | None:
        """The caller's role in an organization it can see (None for an execution's token,
        which sees its own organization only).

        Raises:
            NotFound: the caller is no member of it (or it does not exist).
        """
        if caller.user_id is None:
            if organization_id != caller.organization_id:
                raise NotFound(f"no organization {organization_id!r}")
            return None
        membership = self._store.membership(organization_id, caller.user_id)
        if membership is None or self._store.organization(organization_id) is None:
            raise NotFound(f"no organization {organization_id!r}")
        return membership.role

    def of(self, caller: Caller) -> list[OrganizationView]:
        """The organizations the caller belongs to (an execution's token: its own)."""
        if caller.user_id is None:
            return [self.get(caller, caller.organization_id)]
        views = []
        for membership in self._store.memberships_of_user(caller.user_id):
            organization = self._store.organization(membership.organization_id)
            if organization is not None:
                views.append(self._view(organization, membership.role, caller.user_id))
        return views

    def get(self, caller: Caller, organization_id: str) -> OrganizationView:
        """An organization the caller belongs to.

        Raises:
            NotFound: unknown, or the caller is no member.
        """
        role = self.role_in(caller, organization_id)
        organization = self._store.organization(organization_id)
        if organization is None:
            raise NotFound(f"no organization {organization_id!r}")
        return self._view(organization, role, caller.user_id)

    def _view(
        self, organization: Organization, role: Role | None, user_id: str | None
    ) -> OrganizationView:
        owners = [m for m in self._store.members(organization.id) if m.role == "OWNER"]
        last_owner = len(owners) == 1 and owners[0].user_id == user_id
        return OrganizationView(organization, role, last_owner)

    def create(self, caller: Caller, request: NewOrganization) -> OrganizationView:
        """A new organization whose first owner is the caller.

        Raises:
            Forbidden: the caller is a service execution, not a user.
            Unprocessable: an empty or overlong display name, or a billing e-mail that is
                not an address.
            Conflict: the name the display name gives is taken.
        """
        if caller.user_id is None:
            raise Forbidden("only a user may create organizations")
        display_name = _display_name(request.display_name)
        if "@" not in request.billing_email:
            raise Unprocessable("billingEmail must be an e-mail address")
        now = utc_now()
        organization = Organization(
            str(uuid.uuid4()),
            handle_of(display_name),
            display_name,
            now,
            request.description,
            request.billing_email,
        )
        owner = Membership(organization.id, caller.user_id, "OWNER", now)
        if not self._store.add_organization(organization, owner):
            raise Conflict(f"an organization named {organization.name!r} exists")
        return OrganizationView(organization, "OWNER", True)

    def update(
        self, caller: Caller, organization_id: str, changes: OrganizationChanges
    ) -> OrganizationView:
        """Rename an organization (its handle follows the display name) or change its
        description.

        Raises:
            NotFound: unknown, or the caller is no member.
            Forbidden: the caller is not an owner.
            Unprocessable: an empty or overlong display name.
            Conflict: the new name is another organization's.
        """
        current = self.get(caller, organization_id)
        require_role(_in(caller, organization_id, current.role), "OWNER", "change the organization")
        display_name = _display_name(changes.display_name)
        description = current.organization.description
        if changes.description is not UNCHANGED:
            description = changes.description
        renamed = Organization(
            organization_id,
            handle_of(display_name),
            display_name,
            current.organization.created_at,
            description,
            current.organization.billing_email,
        )
        if not self._store.rename_organization(renamed):
            raise Conflict(f"an organization named {renamed.name!r} exists")
        return OrganizationView(renamed, current.role, current.last_owner)

    def delete(self, caller: Caller, organization_id: str) -> None:
        """Delete an organization with its memberships, provider tokens and image.

        Raises:
            NotFound: unknown, or the caller is no member.
            Forbidden: the caller is not an owner.
            Conflict: it is a user's own organization, or it still has applications.
        """
        current = self.get(caller, organization_id)
        require_role(_in(caller, organization_id, current.role), "OWNER", "delete the organization")
        refused = self._store.delete_organization(organization_id)
        if refused is not None:
            raise Conflict(
                f"organization {current.organization.name!r} can't be deleted: {refused}"
            )
        for forget in self.on_deleted:
            forget(organization_id)

    def search(self, text: str | None) -> list[Organization]:
        """Organizations whose name or display name contains ``text`` (case-insensitive): the
        directory anyone signed in may search, as for sharing (ids and names only).

        Raises:
            Unprocessable: no search text.
        """
        if not text or not text.strip():
            raise Unprocessable("q (the search text) is required")
        needle = text.strip().lower()
        return [
            o
            for o in self._store.organizations()
            if needle in o.name or needle in o.display_name.lower()
        ]

    def profile(self, organization_id: str) -> Organization:
        """An organization's public profile (id and names), for any signed-in caller.

        Raises:
            NotFound: no such organization.
        """
        organization = self._store.organization(organization_id)
        if organization is None:
            raise NotFound(f"no organization {organization_id!r}")
        return organization


def _in(caller: Caller, organization_id: str, role: Role | None) -> Caller:
    """The caller, acting in ``organization_id`` with its role there."""
    return Caller(organization_id, caller.user_id, role, caller.application_id, caller.execution_id)


def _display_name(text: str) -> str:
    name = text.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise Unprocessable(f"displayName must be 1 to {MAX_NAME_LENGTH} characters")
    return name
