"""Identity: organizations, users, personal access tokens, applications and access keys."""

from .applications import ANONYMOUS_APPLICATION, Applications
from .inputs import UNCHANGED, NewToken, ProfileChanges, Unchanged
from .organizations import Organizations
from .records import AccessToken, Application, ProfileImage, Registration, User
from .secrets import TokenSigner, hash_secret, new_secret, secrets_match
from .store import IdentityStore
from .users import PROFILE_IMAGE_TYPES, Users

__all__ = [
    "ANONYMOUS_APPLICATION",
    "PROFILE_IMAGE_TYPES",
    "UNCHANGED",
    "AccessToken",
    "Application",
    "Applications",
    "IdentityStore",
    "NewToken",
    "Organizations",
    "ProfileChanges",
    "ProfileImage",
    "Registration",
    "TokenSigner",
    "Unchanged",
    "User",
    "Users",
    "hash_secret",
    "new_secret",
    "secrets_match",
]
