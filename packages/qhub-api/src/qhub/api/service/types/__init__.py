"""Wire models of the Service API (the service gateway), generated from ``spec/service.json``.

Names resolve on first use; ``RequestBody`` (the free-form JSON object ``start_execution``
sends) is the one written here.
"""

from __future__ import annotations

from typing import Any

from ..._core.lazy import lazy_module

#: The free-form JSON object ``start_execution`` sends.
RequestBody = dict[str, Any]

__getattr__, __dir__ = lazy_module(__name__, {}, fallback="qhub.api.service._generated.models")
