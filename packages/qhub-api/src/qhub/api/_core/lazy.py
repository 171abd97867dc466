"""Lazy public modules: names resolve on first access, so ``import qhub.api.<api>`` is cheap.

A client package names its clients, errors and ~350 generated models; importing them all
would load httpx and pydantic and build every model. With PEP 562 module ``__getattr__``
each name is imported from where it lives the first time it is looked up, then cached.
"""

from __future__ import annotations
import __future__

import importlib
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

__all__ = ["lazy_module"]


def _is_public(name: str, value: object) -> bool:
    """Whether a module global is part of the public surface (not a helper or an import)."""
    return not (
        name.startswith("_")
        or name == "TYPE_CHECKING"
        or isinstance(value, (ModuleType, __future__._Feature))
        or getattr(value, "__module__", None) == __name__
    )


def lazy_module(
    module_name: str, names: Mapping[str, str], fallback: str | None = None
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``module_name``.

    Args:
        module_name: the public module (``__name__``).
        names: public name → the module that defines it (absolute).
        fallback: a module searched for any other public name (the generated models).
    """

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        source = names.get(name, fallback)
        value: Any = None
        if source is not None:
            try:
                value = getattr(importlib.import_module(source), name)
            except AttributeError:
                value = None
        # Or a submodule: the module's own (``quantum.backends``), else the source's (a
        # namespace module of the generated layer).
        for package in (module_name, source) if value is None else ():
            if package is None:
                continue
            try:
                value = importlib.import_module(f"{package}.{name}")
                break
            except ModuleNotFoundError as error:
                if error.name != f"{package}.{name}":
                    raise
        if value is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        setattr(sys.modules[module_name], name, value)
        return value

    def __dir__() -> list[str]:
        source = importlib.import_module(fallback) if fallback else None
        extra = getattr(source, "__all__", None) or (dir(source) if source else [])
        own = [n for n, v in vars(sys.modules[module_name]).items() if _is_public(n, v)]
        return sorted({*own, *names, *(n for n in extra if not n.startswith("_"))})

    return __getattr__, __dir__
