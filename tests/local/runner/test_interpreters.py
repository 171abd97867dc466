"""Workspaces run in their own interpreter: a workspace's ``.venv``, or one named by the
runner or the run, each with its own warm fork server and none of the Hub's packages."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import qhub.local
from qhub.local.runner import WorkspaceRunner

from .helpers import log_messages, output, run, workspace

#: What the program reports: where it runs, and which of the Hub's packages it can import.
REPORT = """
import importlib.util
import sys

def report() -> dict:
    return {
        "executable": sys.executable,
        "hub_packages": [m for m in ("qhub", "pydantic", "fastapi") if importlib.util.find_spec(m)],
    }
"""


def make_venv(path: Path, modules: dict[str, str] | None = None) -> Path:
    """A bare venv (no pip) at ``path``, with ``modules`` (name → source) in its
    site-packages; its interpreter."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    (site,) = (path / "lib").glob("python3*/site-packages")
    for name, source in (modules or {}).items():
        (site / name).mkdir()
        (site / name / "__init__.py").write_text(textwrap.dedent(source))
    return path / "bin" / "python"


@pytest.fixture(scope="module")
def shared_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One venv holding a package ``tinydep`` (a workspace's own dependency)."""
    root = tmp_path_factory.mktemp("venv")
    return make_venv(root / "venv", {"tinydep": "GREETING = 'hello from the venv'\n"})


def test_a_workspace_with_a_venv_runs_in_it(runner: WorkspaceRunner, tmp_path: Path) -> None:
    """``<workspace>/.venv`` is the interpreter: its packages import, the Hub's don't, and
    arguments are still converted (by the standard library: the venv has no pydantic)."""
    ws = workspace(
        tmp_path,
        REPORT
        + "import tinydep\n"
        + "def run(values: list[float], scale: int | None = None) -> dict:\n"
        + "    return {**report(), 'greeting': tinydep.GREETING, 'total': sum(values) * (scale or 1)}\n",
    )
    python = make_venv(ws / ".venv", {"tinydep": "GREETING = 'hello from the venv'\n"})
    outcome, workdir = run(runner, ws, tmp_path, "venv", {"values": [1, 2.5], "scale": "2"})
    assert outcome.status == "SUCCEEDED", log_messages(workdir)
    assert output(workdir) == {
        "executable": str(python),
        "hub_packages": [],
        "greeting": "hello from the venv",
        "total": 7.0,
    }


def test_without_a_venv_the_hub_interpreter_runs_it(
    runner: WorkspaceRunner, tmp_path: Path
) -> None:
    """No ``.venv`` and no override: the Hub's own interpreter, with its packages."""
    ws = workspace(tmp_path, REPORT + "def run() -> dict:\n    return report()\n")
    outcome, workdir = run(runner, ws, tmp_path, "hub", {})
    assert outcome.status == "SUCCEEDED", log_messages(workdir)
    assert output(workdir) == {
        "executable": sys.executable,
        "hub_packages": ["qhub", "pydantic", "fastapi"],
    }


def test_the_run_and_the_runner_can_name_the_interpreter(tmp_path: Path, shared_venv: Path) -> None:
    """``RunSpec.python`` beats the runner's ``python``, which beats the workspace's
    ``.venv``; each interpreter gets one fork server, reused by later runs."""
    ws = workspace(tmp_path, REPORT + "def run() -> dict:\n    return report()\n")
    own = make_venv(ws / ".venv")
    runner = WorkspaceRunner(python=shared_venv)
    try:
        _, by_runner = run(runner, ws, tmp_path, "by-runner", {})
        _, by_run = run(runner, ws, tmp_path, "by-run", {}, python=Path(sys.executable))
        _, again = run(runner, ws, tmp_path, "again", {})
        servers = sorted(str(python) for python in runner._servers)
    finally:
        runner.close()
    assert output(by_runner)["executable"] == str(shared_venv)
    assert output(by_run)["executable"] == sys.executable
    assert output(again)["executable"] == str(shared_venv)
    assert servers == sorted([str(shared_venv), sys.executable])
    assert str(own) not in servers


def test_the_bundled_example_needs_nothing_of_the_hub(
    runner: WorkspaceRunner, tmp_path: Path
) -> None:
    """The quickstart imports nothing of qhub.local and runs in a venv without the Hub's
    packages, writing its result file into ``$OUTPUT_DIRECTORY``."""
    example = Path(qhub.local.__file__).parent / "examples" / "quickstart"
    tree = ast.parse((example / "src" / "program.py").read_text())
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    ]
    assert not [name for name in imported if name and name.startswith("qhub.local")]
    ws = tmp_path / "quickstart"
    shutil.copytree(example, ws, ignore=shutil.ignore_patterns("__pycache__"))
    make_venv(ws / ".venv")
    outcome, workdir = run(runner, ws, tmp_path, "example", {"values": [2], "shots": 50})
    assert outcome.status == "SUCCEEDED", log_messages(workdir)
    assert sum(output(workdir)["counts"].values()) == 50
    assert (workdir / "out" / "histogram.csv").read_text().startswith("outcome,count\n")
