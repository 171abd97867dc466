"""Wire models of the User API, generated from ``spec/user.json`` (names resolve on first use)."""

from __future__ import annotations

from ..._core.lazy import lazy_module

__getattr__, __dir__ = lazy_module(__name__, {}, fallback="qhub.api.user._generated.models")
