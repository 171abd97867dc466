"""Wire models of the Platform API: every type name of the vendor's ``qhub.api.platform.types``.

The models are generated from ``spec/platform.json`` and imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._core.lazy import lazy_module

if TYPE_CHECKING:
    from .._generated.models import *  # noqa: F403
    from ._permissions import DataPoolPermission as DataPoolPermission
    from ._permissions import DataPoolUserPermission as DataPoolUserPermission

__getattr__, __dir__ = lazy_module(
    __name__,
    dict.fromkeys(["DataPoolPermission", "DataPoolUserPermission"], f"{__name__}._permissions"),
    fallback="qhub.api.platform._generated.models",
)
