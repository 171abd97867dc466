"""Identity: organizations and their members and images, users, personal access tokens,
provider tokens, applications with their access keys and subscriptions."""

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
from .organization_images import MAX_IMAGE_BYTES, OrganizationImage, OrganizationImages
from .organizations import Organizations
from .provider_tokens import PROVIDER_TOKEN_FIELDS, ProviderTokens, ProviderTokenView
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
    "MAX_IMAGE_BYTES",
    "PROFILE_IMAGE_TYPES",
    "PROVIDER_TOKEN_FIELDS",
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
    "OrganizationImage",
    "OrganizationImages",
    "OrganizationView",
    "Organizations",
    "ProfileChanges",
    "ProfileImage",
    "ProviderTokenView",
    "ProviderTokens",
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
