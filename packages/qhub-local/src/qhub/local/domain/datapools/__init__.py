"""Data pools: directories of files, and the grants that let executions use them.

Not emulated: file management through the API, sharing with other organizations.
"""

from .pools import GRANT_TTL, DataPools
from .records import PERMISSIONS, DataPool, DataPoolReference
from .store import DataPoolStore

__all__ = [
    "GRANT_TTL",
    "PERMISSIONS",
    "DataPool",
    "DataPoolReference",
    "DataPoolStore",
    "DataPools",
]
