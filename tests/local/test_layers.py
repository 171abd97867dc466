"""The local Hub's import rules (packages/qhub-local/README.md, "Layers"), read from the
source with ``ast``: the domain's packages form no cycle, HTTP never touches a store, the
domain never imports HTTP, records never import a store, and no import hides in a function."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import qhub.local

ROOT = Path(qhub.local.__file__).parent
PACKAGE = "qhub.local"
DOMAIN = f"{PACKAGE}.domain"
HTTP = f"{PACKAGE}.http"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


MODULES = {
    _module_name(path): path
    for path in sorted(ROOT.rglob("*.py"))
    if "examples" not in path.relative_to(ROOT).parts
}


def _package_of(module: str) -> str:
    """The package a module's relative imports start from."""
    return module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]


def _imports(module: str) -> Iterator[tuple[ast.stmt, str, list[str]]]:
    """Every import statement of a module (at any depth, TYPE_CHECKING ones too): the
    statement, the absolute module it imports from, and the names it takes."""
    tree = ast.parse(MODULES[module].read_text(), str(MODULES[module]))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = _package_of(module).split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            yield node, base, [alias.name for alias in node.names]


def _targets(module: str) -> set[str]:
    """The modules of this package that ``module`` imports (``from package import module``
    counts as importing the submodule)."""
    found = set()
    for _, base, names in _imports(module):
        submodules = {f"{base}.{name}" for name in names} & MODULES.keys()
        found |= submodules or ({base} & MODULES.keys())
    return found


def _domain_component(module: str) -> str | None:
    """``identity``, ``quantum``, ``store``, … for a module of the domain; ``domain`` for the
    package itself; None outside it."""
    if module == DOMAIN:
        return "domain"
    if not module.startswith(DOMAIN + "."):
        return None
    return module[len(DOMAIN) + 1 :].split(".")[0]


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of a directed graph, if it has one."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_module_list_covers_the_layers() -> None:
    """The walk finds the layers these rules are about (so the rules can't pass vacuously)."""
    components = {_domain_component(m) for m in MODULES} - {None}
    assert {"identity", "catalog", "executions", "datapools", "quantum", "store"} <= components
    assert any(m.startswith(HTTP + ".") for m in MODULES)


def test_domain_packages_form_no_cycle() -> None:
    """The domain's packages (and its shared modules) import each other one way only."""
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        source = _domain_component(module)
        if source is None:
            continue
        targets = {_domain_component(t) for t in _targets(module)} - {None, source}
        graph.setdefault(source, set()).update(t for t in targets if t is not None)
    assert _cycle(graph) is None, f"domain packages import each other: {_cycle(graph)}"


def test_no_module_cycle_inside_the_domain() -> None:
    """Nor do the modules inside one domain package."""
    graph = {
        module: {t for t in _targets(module) if t.startswith(DOMAIN)}
        for module in MODULES
        if module.startswith(DOMAIN + ".")
    }
    assert _cycle(graph) is None, f"modules import each other: {_cycle(graph)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith(HTTP)))
def test_http_never_touches_a_store(module: str) -> None:
    """Routers call the domain's services: no store module, no ``hub.database``, no backend
    catalog global."""
    for target in _targets(module):
        assert _domain_component(target) != "store", f"{module} imports {target}"
        assert not target.endswith(".store"), f"{module} imports {target}"
    for _, _, names in _imports(module):
        assert "BACKENDS" not in names, f"{module} imports the BACKENDS global"
    tree = ast.parse(MODULES[module].read_text())
    reached = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not reached & {"database", "store", "_store"}, f"{module} reaches into storage"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith(DOMAIN)))
def test_the_domain_never_imports_http(module: str) -> None:
    """No FastAPI, Starlette or HTTP layer in the domain."""
    for _, base, _ in _imports(module):
        root = base.split(".")[0]
        assert root not in ("fastapi", "starlette", "uvicorn"), f"{module} imports {base}"
        assert not base.startswith(HTTP), f"{module} imports {base}"
        assert base != f"{PACKAGE}.server", f"{module} imports {base}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.endswith(".records")))
def test_records_never_import_a_store(module: str) -> None:
    """Records are plain data: they know nothing of how they are stored."""
    for target in _targets(module):
        assert _domain_component(target) != "store", f"{module} imports {target}"
        assert not target.endswith(".store"), f"{module} imports {target}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith((DOMAIN, HTTP))))
def test_imports_are_at_module_level(module: str) -> None:
    """No import hides inside a function (where it would dodge a cycle unseen)."""
    tree = ast.parse(MODULES[module].read_text())
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            hidden = [n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
            assert not hidden, f"{module}: an import inside {node.name}()"


@pytest.mark.parametrize(
    "module",
    sorted(m for m in MODULES if m.startswith((f"{PACKAGE}.runner", f"{PACKAGE}.simulation"))),
)
def test_runner_and_simulation_know_nothing_of_the_hub(module: str) -> None:
    """The domain uses the runner and the simulation through small interfaces; they never
    import the domain or HTTP back."""
    for target in _targets(module):
        assert not target.startswith((DOMAIN, HTTP)), f"{module} imports {target}"


def test_the_rules_see_a_planted_cycle_and_a_store_import() -> None:
    """The cycle finder and the store check catch what they are for."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    assert _domain_component(f"{DOMAIN}.quantum.store") == "quantum"
    assert _domain_component(f"{DOMAIN}.store") == "store"
