"""``make docs``: the site builds with ``mkdocs build --strict``, offline, with every page and
the API reference in it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What a page would fetch from elsewhere when opened: scripts, stylesheets, fonts, images.
REMOTE_ASSET = re.compile(
    r"<(?:script|img|iframe)[^>]*\ssrc=\"(?:https?:)?//|<link[^>]*\shref=\"(?:https?:)?//"
    r"|@import\s+url\(\s*[\"']?(?:https?:)?//|fonts\.googleapis"
)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_site_builds_strict_and_offline(tmp_path: Path) -> None:
    """No warning (broken link, unreadable docstring, missing page), no remote asset, and
    the reference pages carry what they promise."""
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr

    pages = sorted(site.rglob("*.html"))
    fetching = [str(p.relative_to(site)) for p in pages if REMOTE_ASSET.search(p.read_text())]
    assert not fetching, fetching
    for css in site.rglob("*.css"):
        assert not re.search(r"url\(\s*[\"']?(?:https?:)?//", css.read_text()), css

    namespaces = (site / "reference" / "platform-namespaces" / "index.html").read_text()
    assert len(re.findall(r'class="doc doc-object doc-function"', namespaces)) >= 250
    assert 'id="qhub.api.platform._generated.services.ServicesClient.get_services"' in namespaces
    quantum = (site / "reference" / "quantum" / "index.html").read_text()
    assert "create_job" in quantum
    model_rows = re.findall(
        r"<tr>\s*<td><code>(\w+)</code></td>\s*<td>(?:model|enum)</td>", quantum
    )
    assert {"Job", "JobStatus", "Session", "AzureIonqJobInputCircuitItem"} <= set(model_rows)
    assert ":class:" not in quantum  # the hook turned the docstrings' roles into code
    coverage = (site / "local-hub" / "platform-coverage" / "index.html").read_text()
    assert "storage only" in coverage and "behaviour" in coverage
