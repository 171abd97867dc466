"""Identity: organizations and their members, users, personal access tokens, applications
with their access keys and subscriptions."""

from .access import at_least, require_role
from .app_store import ApplicationStore
from .applications import ANONYMOUS_APPLICATION, Applications
from .inputs import (
    UNCHANGED,
    NewMember,
    NewOrganization,
    NewToken,
    OrganizationChanges,
    ProfileChanges,
    Unchanged,
)
from .members import Members
from .organizations import Organizations
from .records import (
    ROLES,
    AccessKey,
    AccessToken,
    Application,
    Caller,
    Member,
    Membership,
    Organization,
    OrganizationView,
    ProfileImage,
    Registration,
    Role,
    Subscription,
    User,
)
from .secrets import SecretBox, TokenSigner, hash_secret, new_secret, secrets_match
from .store import IdentityStore
from .users import PROFILE_IMAGE_TYPES, Users

__all__ = [
    "ANONYMOUS_APPLICATION",
    "PROFILE_IMAGE_TYPES",
    "ROLES",
    "UNCHANGED",
    "AccessKey",
    "AccessToken",
    "Application",
    "ApplicationStore",
    "Applications",
    "Caller",
    "IdentityStore",
    "Member",
    "Members",
    "Membership",
    "NewMember",
    "NewOrganization",
    "NewToken",
    "Organization",
    "OrganizationChanges",
    "OrganizationView",
    "Organizations",
    "ProfileChanges",
    "ProfileImage",
    "Registration",
    "Role",
    "SecretBox",
    "Subscription",
    "TokenSigner",
    "Unchanged",
    "User",
    "Users",
    "at_least",
    "hash_secret",
    "new_secret",
    "require_role",
    "secrets_match",
]
