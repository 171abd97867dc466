"""Data pools: directories of files owned by an organization, shared with other
organizations and users, and granted to executions through signed grant tokens.

Not emulated: the ``GRANT`` permission, share revocation history (a deleted share is gone),
subdirectories in pools, and quotas other than a per-file size limit.
"""

from .access import PoolAccess, permission_on
from .files import DEFAULT_MAX_FILE_BYTES, FileUpload, PoolFiles, valid_file_name
from .grants import GRANT_TOKEN_KIND, GRANT_TTL, GrantedPool, GrantRefused, PoolGrants
from .inputs import NewShare, PoolDetails, TimeWindow
from .pools import DEFAULT_POOL_NAME, DataPools
from .records import (
    GRANT_PERMISSIONS,
    PERMISSIONS,
    DataPool,
    DataPoolFile,
    DataPoolReference,
    DataPoolView,
    Grant,
    GrantPermission,
    Share,
    ShareConstraint,
    TenantType,
)
from .shares import PoolShares
from .store import DataPoolStore

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "DEFAULT_POOL_NAME",
    "GRANT_PERMISSIONS",
    "GRANT_TOKEN_KIND",
    "GRANT_TTL",
    "PERMISSIONS",
    "DataPool",
    "DataPoolFile",
    "DataPoolReference",
    "DataPoolStore",
    "DataPoolView",
    "DataPools",
    "FileUpload",
    "Grant",
    "GrantPermission",
    "GrantRefused",
    "GrantedPool",
    "NewShare",
    "PoolAccess",
    "PoolDetails",
    "PoolFiles",
    "PoolGrants",
    "PoolShares",
    "Share",
    "ShareConstraint",
    "TenantType",
    "TimeWindow",
    "permission_on",
    "valid_file_name",
]
