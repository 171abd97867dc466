"""Import a workspace's modules so that an edit is always seen by the next execution.

Every execution runs in a fresh process, so nothing is cached in ``sys.modules``; what is
left is Python's bytecode cache, which trusts a ``.pyc`` when the source's mtime (whole
seconds) and size match. An edit within the same second that keeps the size would run stale
code. Modules under the workspace (outside ``site-packages``) are therefore loaded through a
loader that validates the cache by a hash of the source (PEP 552 "checked" pycs), which
plain Python honours too.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import CodeType
from typing import Any

_CHECKED_HASH_FLAGS = (0b11).to_bytes(4, "little")  # hash-based, check the source
_SKIPPED_PARTS = ("site-packages", "dist-packages")


class HashCheckedSourceLoader(importlib.machinery.SourceFileLoader):
    """Loads source modules through a bytecode cache validated by the source's hash."""

    def get_code(self, fullname: str) -> CodeType:
        """The module's code: from a matching cached pyc, else compiled (and cached)."""
        path = self.get_filename(fullname)
        source = self.get_data(path)
        digest = importlib.util.source_hash(source)
        try:
            cache: str | None = importlib.util.cache_from_source(path)
        except NotImplementedError:
            cache = None
        if cache is not None:
            try:
                with open(cache, "rb") as file:
                    data = file.read()
            except OSError:
                data = b""
            if (
                data[:4] == importlib.util.MAGIC_NUMBER
                and data[4:8] == _CHECKED_HASH_FLAGS
                and data[8:16] == digest
            ):
                try:
                    code = marshal.loads(data[16:])
                except (EOFError, ValueError, TypeError):
                    pass
                else:
                    if isinstance(code, CodeType):
                        return code
        code = self.source_to_code(source, path)
        if cache is not None and not sys.dont_write_bytecode:
            _write_atomically(
                cache,
                importlib.util.MAGIC_NUMBER + _CHECKED_HASH_FLAGS + digest + marshal.dumps(code),
            )
        return code


def _write_atomically(path: str, data: bytes) -> None:
    """Best effort: a read-only workspace simply gets no cache."""
    temp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temp, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass


def use_fresh_imports(workspace: Path) -> None:
    """Put ``workspace`` first on ``sys.path``; load its own modules hash-checked."""
    root = os.path.realpath(workspace)
    default_hook = importlib.machinery.FileFinder.path_hook(
        (HashCheckedSourceLoader, importlib.machinery.SOURCE_SUFFIXES),
        (importlib.machinery.ExtensionFileLoader, importlib.machinery.EXTENSION_SUFFIXES),
        (importlib.machinery.SourcelessFileLoader, importlib.machinery.BYTECODE_SUFFIXES),
    )

    def workspace_hook(entry: str) -> Any:
        real = os.path.realpath(entry or ".")
        inside = real == root or real.startswith(root + os.sep)
        if not inside or any(part in real.split(os.sep) for part in _SKIPPED_PARTS):
            raise ImportError("not a workspace directory")
        return default_hook(entry)

    hooks: list[Callable[[str], Any]] = sys.path_hooks
    hooks.insert(0, workspace_hook)
    for entry in [e for e in sys.path_importer_cache if e.startswith(root)]:
        del sys.path_importer_cache[entry]
    sys.path.insert(0, str(workspace))


def resolve_entrypoint(entrypoint: str) -> Callable[..., Any]:
    """The function named by ``module:function`` (``module`` alone means ``module:run``).

    Raises:
        ValueError: the entrypoint is malformed.
        ImportError: the module cannot be imported.
        AttributeError: the module has no such function.
        TypeError: the attribute is not callable.
    """
    module_name, _, attribute = entrypoint.partition(":")
    if not module_name or not all(part.isidentifier() for part in module_name.split(".")):
        raise ValueError(f"entrypoint {entrypoint!r} is not 'module:function'")
    target: Any = importlib.import_module(module_name)
    for name in (attribute or "run").split("."):
        target = getattr(target, name)
    if not callable(target):
        raise TypeError(f"entrypoint {entrypoint!r} is not callable")
    return target  # type: ignore[no-any-return]
