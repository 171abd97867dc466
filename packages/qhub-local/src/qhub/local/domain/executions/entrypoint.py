"""What a workspace's entry point takes, read from its source without running it.

The gateway must know whether ``run()`` has a parameter called ``input`` (then the request's
``input`` is passed as it is, as the vendor's runtime does) or not (then ``input``'s keys are
``run()``'s arguments). The Hub never imports a workspace's code, so it reads the entry
point's module with :mod:`ast`: the last top-level ``def``/``async def`` of the function's
name. When that can't tell (the function is imported or assigned, the module is missing or
does not parse), the answer is ``None`` and the caller must cope with not knowing.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_ENTRYPOINT", "Parameters", "entrypoint_parameters"]

DEFAULT_ENTRYPOINT = "src.program:run"


@dataclass(frozen=True)
class Parameters:
    """The parameter names of an entry point, and whether it takes ``**kwargs``."""

    names: frozenset[str]
    var_keyword: bool

    def __contains__(self, name: object) -> bool:
        return name in self.names


def entrypoint_parameters(
    workspace: Path, entrypoint: str = DEFAULT_ENTRYPOINT
) -> Parameters | None:
    """The parameters of ``module:function`` in ``workspace``, or None if the source can't
    tell (see the module's docstring). Cached per version of the module file."""
    module, _, function = entrypoint.partition(":")
    base = workspace.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        try:
            stat = path.stat()
        except OSError:
            continue
        return _parameters(path, stat.st_mtime_ns, stat.st_size, function or "run")
    return None


@functools.lru_cache(maxsize=128)
def _parameters(path: Path, mtime_ns: int, size: int, function: str) -> Parameters | None:
    try:
        tree = ast.parse(path.read_bytes(), str(path))
    except (OSError, SyntaxError, ValueError):
        return None
    found: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
            found = node
        elif function in _bound_names(node):
            found = None  # rebound by an import or an assignment: not knowable from here
    if found is None:
        return None
    arguments = found.args
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
    return Parameters(frozenset(names), arguments.kwarg is not None)


def _bound_names(node: ast.stmt) -> set[str]:
    """Names a top-level statement other than a plain ``def`` binds (including a ``def`` or
    an import inside an ``if``/``try``/``with`` block; not inside a class or a function)."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    if isinstance(node, ast.ClassDef):
        return {node.name}
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return set()
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
            names.add(child.id)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(child.name)
        elif isinstance(child, ast.alias):
            names.add((child.asname or child.name).split(".")[0])
    return names
