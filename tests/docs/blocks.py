"""The fenced code blocks of the documentation: found, read and run as a reader would.

A block is run unless the line just before its fence is a marker with a reason::

    <!-- not run: starts a server that runs until Ctrl-C -->
    ```bash
    qhub-local serve
    ```

The marker is an HTML comment, so readers of the site never see it. A Python block that
defines ``test_…`` functions is run by pytest (as a reader's test file would be, with the
``qhub_local`` plugin); any other Python block by the interpreter, a ``bash`` block by bash
with ``-e -o pipefail``. Each runs in a fresh process, in its own working directory.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README = ROOT / "README.md"

#: The fences whose blocks are run, by the language their info string names.
RUNNABLE = {"python": "python", "py": "python", "bash": "bash", "sh": "bash"}
NOT_RUN = re.compile(r"^\s*<!--\s*not run:\s*(?P<reason>.*?)\s*-->\s*$")
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
TEST_FUNCTION = re.compile(r"^(?:async\s+)?def test_\w*\(", re.MULTILINE)


@dataclass(frozen=True)
class CodeBlock:
    """One fenced block: where it is, its language, its code, and why it is not run."""

    path: Path
    line: int
    language: str
    code: str
    not_run: str | None

    @property
    def id(self) -> str:
        """``docs/guides/testing.md:42``: where a failure sends the reader."""
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def is_test_file(self) -> bool:
        """Whether the block is a pytest module (it defines ``test_…`` functions)."""
        return self.language == "python" and TEST_FUNCTION.search(self.code) is not None


def blocks_of(path: Path, languages: Iterable[str] = RUNNABLE) -> list[CodeBlock]:
    """The fenced blocks of one Markdown file whose language is one of ``languages``."""
    wanted = set(languages)
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[CodeBlock] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        words = opening["info"].split()
        language = words[0].lower() if words else ""
        start = index
        body: list[str] = []
        index += 1
        while index < len(lines) and not _closes(lines[index], indent, fence):
            body.append(lines[index])
            index += 1
        index += 1
        if language not in wanted:
            continue
        found.append(
            CodeBlock(
                path=path,
                line=start + 1,
                language=RUNNABLE[language],
                code=textwrap.dedent("\n".join(body)) + "\n",
                not_run=_marker_before(lines, start),
            )
        )
    return found


def _closes(line: str, indent: str, fence: str) -> bool:
    stripped = line.strip()
    return line.startswith(indent) and stripped.startswith(fence) and set(stripped) == {fence[0]}


def _marker_before(lines: list[str], fence_index: int) -> str | None:
    """The reason of a ``<!-- not run: … -->`` marker on the line before the fence."""
    if fence_index == 0:
        return None
    marker = NOT_RUN.match(lines[fence_index - 1])
    return marker["reason"] if marker else None


def documentation_blocks() -> list[CodeBlock]:
    """Every runnable block of ``docs/**/*.md``, then the README's Python blocks."""
    blocks = [block for path in sorted(DOCS.rglob("*.md")) for block in blocks_of(path)]
    return blocks + blocks_of(README, languages=("python",))


def run_block(
    block: CodeBlock, workdir: Path, env: Mapping[str, str], timeout: float = 100
) -> subprocess.CompletedProcess[str]:
    """Run ``block`` in ``workdir`` with ``env``; the finished process, output captured."""
    if block.is_test_file:
        source = workdir / "test_block.py"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", source.name]
    elif block.language == "python":
        source = workdir / "block.py"
        command = [sys.executable, source.name]
    else:
        source = workdir / "block.sh"
        command = ["bash", "-e", "-o", "pipefail", source.name]
    source.write_text(block.code, encoding="utf-8")
    return subprocess.run(
        command,
        cwd=workdir,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
