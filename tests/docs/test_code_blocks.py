"""Every code block of the docs (and the README's Python) runs against a real local Hub.

One ``qhub-local serve`` for the module; each block in a fresh process and a fresh working
directory holding ``.qhub-local`` (a link to the Hub's data directory, as if the reader had
started the Hub there), with the environment ``eval "$(qhub-local env)"`` gives and nothing
of ours: the docs name no URL and no token. How a block is marked as not run is in
``tests/docs/blocks.py``; only a handful may be.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qhub.api._core import environment_variables
from qhub.api.context import ORGANIZATION_ENV_VARS
from qhub.api.credentials import CONFIG_PATH_ENV_VARS, TOKEN_ENV_VARS
from qhub.local.process import hub_process

from .blocks import CodeBlock, documentation_blocks, run_block

BLOCKS = documentation_blocks()
#: At most this many blocks of each language may be marked ``not run``.
MOST_NOT_RUN = {"python": 5, "bash": 8}
#: Variables of the test run that would point a block elsewhere than at the docs' Hub.
FOREIGN = {
    environment_variables.QUANTUM_BASE_URL,
    environment_variables.PLATFORM_BASE_URL,
    environment_variables.USER_BASE_URL,
    environment_variables.SERVICE_BASE_URL,
    environment_variables.TOKEN_ENDPOINT,
    *TOKEN_ENV_VARS,
    *CONFIG_PATH_ENV_VARS,
    *ORGANIZATION_ENV_VARS,
}


@pytest.fixture(scope="module")
def docs_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A running ``qhub-local serve``; its data directory."""
    root = tmp_path_factory.mktemp("docs-hub")
    data_dir = root / ".qhub-local"
    with hub_process(data_dir, quiet=True, log_file=root / "hub.log"):
        yield data_dir


@pytest.fixture(scope="module")
def hub_env(docs_hub: Path) -> dict[str, str]:
    """What ``eval "$(qhub-local env)"`` exports for the Hub, read from the real command."""
    done = subprocess.run(
        [sys.executable, "-m", "qhub.local.cli", "env", "--data-dir", str(docs_hub)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    exported = {}
    for line in done.stdout.splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["export"]:
            name, _, value = words[1].partition("=")
            exported[name] = value
    assert "QHUB_QUANTUM_BASE_URL" in exported and "KQH_PERSONAL_ACCESS_TOKEN" in exported
    return exported


@pytest.fixture
def block_env(hub_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A reader's shell after ``eval "$(qhub-local env)"``: our variables replaced by the
    Hub's, no qhubctl login of the machine's user, the workspace's tools on the PATH."""
    env = {name: value for name, value in os.environ.items() if name not in FOREIGN}
    env.update(hub_env)
    env["HOME"] = str(tmp_path / "home")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _param(block: CodeBlock) -> object:
    marks = [pytest.mark.skip(reason=f"not run: {block.not_run}")] if block.not_run else []
    return pytest.param(block, id=block.id, marks=marks)


@pytest.mark.parametrize("block", [_param(block) for block in BLOCKS])
def test_code_block_runs(
    block: CodeBlock, docs_hub: Path, block_env: dict[str, str], tmp_path: Path
) -> None:
    """The block runs to success against the Hub, as a reader would run it."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / ".qhub-local").symlink_to(docs_hub, target_is_directory=True)
    done = run_block(block, workdir, block_env)
    assert done.returncode == 0, (
        f"{block.id} exited {done.returncode}\n--- code\n{block.code}"
        f"--- stdout\n{done.stdout}--- stderr\n{done.stderr}"
    )


def test_the_docs_have_blocks_to_run() -> None:
    """The collector finds the docs' blocks (a broken parser would pass everything above)."""
    python = [b for b in BLOCKS if b.language == "python" and not b.not_run]
    shell = [b for b in BLOCKS if b.language == "bash" and not b.not_run]
    assert len(python) >= 25 and len(shell) >= 5, (len(python), len(shell))
    assert any(b.is_test_file for b in python)
    assert any(b.path.name == "README.md" for b in python)


@pytest.mark.parametrize("language", sorted(MOST_NOT_RUN))
def test_only_a_handful_of_blocks_are_not_run(language: str) -> None:
    """Blocks marked ``not run`` stay few, each with its reason."""
    marked = [b for b in BLOCKS if b.language == language and b.not_run is not None]
    assert all(b.not_run for b in marked), [b.id for b in marked if not b.not_run]
    assert len(marked) <= MOST_NOT_RUN[language], [f"{b.id}: {b.not_run}" for b in marked]
