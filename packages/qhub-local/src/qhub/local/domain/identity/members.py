"""The members of an organization: users with a role in it.

A member is added at once, so there are never pending invitations: ``/my/invitations`` is
empty and accepting or declining any invitation id is 404 naming it. Members see the
organization and act for it with ``X-OrganizationId``; owners add, change and remove
members. An organization always keeps an owner, and a user stays a member of their own
organization.
"""

from __future__ import annotations

from typing import NoReturn

from ..clock import utc_now
from ..errors import Conflict, NotFound
from .access import require_role
from .inputs import NewMember
from .organizations import Organizations
from .records import Caller, Member, Membership, Role
from .store import IdentityStore

__all__ = ["Members"]


class Members:
    """Organization members, for callers who belong to the organization."""

    def __init__(self, store: IdentityStore, organizations: Organizations) -> None:
        self._store = store
        self._organizations = organizations

    def _owner(self, caller: Caller, organization_id: str, action: str) -> None:
        role = self._organizations.role_in(caller, organization_id)
        as_member = Caller(organization_id, caller.user_id, role)
        require_role(as_member, "OWNER", action)

    def of(self, caller: Caller, organization_id: str) -> list[Member]:
        """The organization's members, oldest first.

        Raises:
            NotFound: unknown organization, or the caller is no member.
        """
        self._organizations.role_in(caller, organization_id)
        members = []
        for membership in self._store.members(organization_id):
            user = self._store.user(membership.user_id)
            if user is not None:
                members.append(Member(user, membership))
        return members

    def answer_invitation(self, invitation_id: str) -> NoReturn:
        """Accept or decline an invitation: there are none to answer.

        Raises:
            NotFound: always, naming the invitation.
        """
        raise NotFound(
            f"no invitation {invitation_id[:80]!r}: the local Hub adds members at once, so "
            "there are no pending invitations"
        )

    def get(self, caller: Caller, organization_id: str, user_id: str) -> Member:
        """One member.

        Raises:
            NotFound: unknown organization (or the caller is no member), or the user is none.
        """
        self._organizations.role_in(caller, organization_id)
        return self._member(organization_id, user_id)

    def _member(self, organization_id: str, user_id: str) -> Member:
        membership = self._store.membership(organization_id, user_id)
        user = self._store.user(user_id) if membership else None
        if membership is None or user is None:
            raise NotFound(f"user {user_id!r} is no member of organization {organization_id!r}")
        return Member(user, membership)

    def add(self, caller: Caller, organization_id: str, request: NewMember) -> Membership:
        """Add a user with a role.

        Raises:
            NotFound: unknown organization (or the caller is no member), or unknown user.
            Forbidden: the caller is not an owner.
            Conflict: the user is a member already.
        """
        self._owner(caller, organization_id, "add members")
        if self._store.user(request.user_id) is None:
            raise NotFound(f"no user {request.user_id!r}")
        membership = Membership(organization_id, request.user_id, request.role, utc_now())
        if not self._store.add_membership(membership):
            raise Conflict(f"user {request.user_id!r} is a member already")
        return membership

    def change(self, caller: Caller, organization_id: str, user_id: str, role: Role) -> Membership:
        """Give a member another role.

        Raises:
            NotFound: unknown organization (or the caller is no member), or the user is none.
            Forbidden: the caller is not an owner.
            Conflict: it would leave the organization without an owner.
        """
        self._owner(caller, organization_id, "change members' roles")
        self._member(organization_id, user_id)
        if not self._store.change_membership(organization_id, user_id, role):
            raise Conflict("the organization must keep an owner")
        return self._member(organization_id, user_id).membership

    def remove(self, caller: Caller, organization_id: str, user_id: str) -> None:
        """Remove a member (an owner may remove anyone; a member may leave).

        Raises:
            NotFound: unknown organization (or the caller is no member), or the user is none.
            Forbidden: the caller is neither an owner nor the member.
            Conflict: it is the user's own organization, or the last owner would leave.
        """
        if caller.user_id != user_id:
            self._owner(caller, organization_id, "remove members")
        else:
            self._organizations.role_in(caller, organization_id)
        member = self._member(organization_id, user_id)
        if member.user.organization_id == organization_id:
            raise Conflict("a user stays a member of their own organization")
        if not self._store.change_membership(organization_id, user_id, None):
            raise Conflict("the organization must keep an owner")
