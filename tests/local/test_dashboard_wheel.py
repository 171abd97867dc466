"""The qhub-local distributions carry the dashboard's page, script and stylesheet: an
installed Hub serves the same dashboard as the repository's."""

from __future__ import annotations

import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

import qhub.local.dashboard

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
UV = ROOT / ".tools" / "bin" / "uv"
STATIC = Path(qhub.local.dashboard.__file__).parent / "static"
ASSETS = ("index.html", "app.js", "style.css")


def test_the_sdist_and_the_wheel_built_from_it_carry_the_assets(tmp_path: Path) -> None:
    """Built as a release is (the sdist, then the wheel from the sdist), both hold each asset
    byte for byte."""
    assert UV.is_file(), f"{UV} is missing: `make install` installs it"
    done = subprocess.run(
        [str(UV), "build", "--quiet", "--no-sources", "--out-dir", str(tmp_path)],
        cwd=ROOT / "packages" / "qhub-local",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("qhub_local-*.whl")
    (sdist,) = tmp_path.glob("qhub_local-*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        for name in ASSETS:
            packed = archive.read(f"qhub/local/dashboard/static/{name}")
            assert packed == (STATIC / name).read_bytes(), name
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    for name in ASSETS:
        assert any(n.endswith(f"src/qhub/local/dashboard/static/{name}") for n in names), name
