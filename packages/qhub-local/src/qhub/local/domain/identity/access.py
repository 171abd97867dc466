"""Who may do what in an organization: roles ranked VIEWER < MAINTAINER < OWNER.

Viewers read; maintainers also create and delete applications and subscriptions and cancel
executions; owners also change the organization and its members. A service execution's
token reads what its organization has, like a viewer.
"""

from __future__ import annotations

from ..errors import Forbidden
from .records import ROLES, Caller, Role

__all__ = ["at_least", "require_role"]


def at_least(role: Role | None, minimum: Role) -> bool:
    """Whether ``role`` is ``minimum`` or stronger (None, an execution's token, is a viewer)."""
    return ROLES.index(role or "VIEWER") >= ROLES.index(minimum)


def require_role(caller: Caller, minimum: Role, action: str) -> None:
    """Refuse a caller whose role in its organization is weaker than ``minimum``.

    Args:
        caller: who asks.
        minimum: the weakest role allowed.
        action: what is refused, for the message ("create applications").

    Raises:
        Forbidden: the caller's role is weaker.
    """
    if not at_least(caller.role, minimum):
        held = caller.role or "a service execution's token"
        raise Forbidden(f"only a {minimum} of the organization may {action}; the caller is {held}")
