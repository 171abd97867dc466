"""The docs' Platform coverage page is the one the local Hub's code gives today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "docs" / "platform_coverage.py"


def test_platform_coverage_page_is_current() -> None:
    """A hand-written router added or a 501 gone without rerunning the tool fails here."""
    done = subprocess.run(
        [sys.executable, str(TOOL), "--check"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_platform_coverage_page_names_every_namespace() -> None:
    """Each of the client's 27 namespaces has its row (the tool read the spec, not nothing);
    ``eligibility``, the seeds' second name of ``entitlements``, has none of its own."""
    from qhub.api.platform._generated import client

    text = (ROOT / "docs" / "local-hub" / "platform-coverage.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `") for line in text.splitlines() if line.startswith("| `")}
    namespaces = {
        name for name in vars(client.HubPlatformClientNamespaces) if not name.startswith("_")
    }
    assert rows == namespaces - {"eligibility"}
    assert len(rows) == 27
    assert "| `data_pools` | behaviour |" in text and "| `billing` | storage only |" in text
