"""What a build checks in an unpacked workspace, and which requirements it declares.

The layout is the service workspace convention (``src/program.py`` defining ``run()``, a
``src/__init__.py``; see ``service-workspaces.md``). The workspace is the archive's top
level, or its one top-level directory when the archive was made from a folder
(``zip -r ws.zip myservice/``).

**Requirements**: ``requirements.txt`` at the workspace's top (any pip requirements file:
``--no-index``, ``--find-links`` and paths relative to it work) and the
``[project] dependencies`` of a ``pyproject.toml`` (the project itself is not installed: a
workspace is run, not packaged). With either, the build makes the workspace its own venv
(``.venv``) and installs them there; the runner then runs the service in that venv, which
holds nothing of the Hub's packages. Without, the service runs in the Hub's interpreter.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .records import Validation

#: The standard library's TOML reader (None on Python 3.10, which has none).
_read_toml: Callable[[str], dict[str, Any]] | None
if sys.version_info >= (3, 11):
    import tomllib

    _read_toml = tomllib.loads
else:
    _read_toml = None

__all__ = ["WorkspaceCheck", "check_workspace", "workspace_root"]

MISSING_PROGRAM = "no src/program.py with a run() function"


@dataclass(frozen=True)
class WorkspaceCheck:
    """What :func:`check_workspace` found.

    Attributes:
        root: the workspace's top directory.
        validation: the verdict, with a message per finding.
        requirements: ``pip install`` arguments for what it declares (empty: nothing).
    """

    root: Path
    validation: Validation
    requirements: tuple[str, ...]


def workspace_root(unpacked: Path) -> Path:
    """The workspace in an unpacked archive: its top, or its one top-level directory."""
    if (unpacked / "src").is_dir():
        return unpacked
    children = [p for p in unpacked.iterdir() if not p.name.startswith(".")]
    children = [p for p in children if p.name != "__MACOSX"]
    if len(children) == 1 and children[0].is_dir() and (children[0] / "src").is_dir():
        return children[0]
    return unpacked


def _program_problem(program: Path) -> str | None:
    """Why ``src/program.py`` can't be run, or None."""
    if not program.is_file():
        return f"{MISSING_PROGRAM}: src/program.py is missing"
    try:
        tree = ast.parse(program.read_bytes(), "src/program.py")
    except SyntaxError as error:
        return f"src/program.py does not compile: line {error.lineno}: {error.msg}"
    except ValueError as error:
        return f"src/program.py can't be read: {error}"
    defined = {
        target.id
        for node in tree.body
        for target in (
            [node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            else getattr(node, "targets", [])
        )
        if isinstance(target, ast.Name)
    } | {
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    if "run" not in defined:
        return f"{MISSING_PROGRAM}: src/program.py defines no run()"
    return None


def _pyproject_dependencies(path: Path, errors: list[str], notes: list[str]) -> list[str]:
    if not path.is_file():
        return []
    if _read_toml is None:
        notes.append("pyproject.toml is not read on Python 3.10: declare requirements.txt")
        return []
    try:
        document = _read_toml(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        errors.append(f"pyproject.toml is not valid TOML: {error}")
        return []
    dependencies = document.get("project", {}).get("dependencies", [])
    if not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies):
        errors.append("pyproject.toml: [project] dependencies must be a list of strings")
        return []
    if dependencies:
        notes.append(f"pyproject.toml declares {len(dependencies)} dependencies")
    return list(dependencies)


def check_workspace(unpacked: Path) -> WorkspaceCheck:
    """Check the workspace in an unpacked archive and read its requirements."""
    root = workspace_root(unpacked)
    errors: list[str] = []
    warnings: list[str] = []
    notes: list[str] = []
    problem = _program_problem(root / "src" / "program.py")
    if problem is not None:
        errors.append(problem)
    elif not (root / "src" / "__init__.py").is_file():
        warnings.append(
            "src/__init__.py is missing: the Hub runs src.program anyway (a namespace"
            " package), but other runtimes need it"
        )
    if (root / ".venv").exists():
        errors.append(
            ".venv is in the archive: leave it out (the build makes the workspace's"
            " environment from its requirements)"
        )
    requirements: list[str] = []
    if (root / "requirements.txt").is_file():
        requirements += ["-r", "requirements.txt"]
        notes.append("requirements.txt declares requirements")
    requirements += _pyproject_dependencies(root / "pyproject.toml", errors, notes)
    if errors:
        validation = Validation("ERROR", errors[0], tuple(errors + warnings + notes))
    elif warnings:
        validation = Validation("WARNING", warnings[0], tuple(warnings + notes))
    else:
        validation = Validation("SUCCESS", "the workspace is valid", tuple(notes))
    return WorkspaceCheck(root, validation, tuple(requirements))
