"""Throwaway virtual environments for benchmarks: ours as users install it, and the vendor's.

The vendor's packages are installed only here, into their own venv, and used as black boxes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / ".tools"


def venv_python(name: str, requirements: list[str]) -> Path:
    """The python of ``.tools/<name>``, created with ``requirements`` on first use."""
    env = TOOLS / name
    python = env / "bin" / "python"
    marker = env / ".installed"
    wanted = "\n".join(requirements)
    if not marker.exists() or marker.read_text() != wanted:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(env)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *requirements,
            ],
            check=True,
        )
        marker.write_text(wanted)
    return python


def our_client_python() -> Path:
    """A venv with only qhub-api and qhub-service installed (no server dependencies).

    Our packages are reinstalled on every call so the figures are of the code in the tree.
    """
    packages = [str(ROOT / "packages" / "qhub-api"), str(ROOT / "packages" / "qhub-service")]
    python = venv_python("bench-ours", packages)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--force-reinstall",
            *packages,
        ],
        check=True,
    )
    return python


def vendor_client_python() -> Path:
    """A venv with the vendor's qhub-service and qhub-api (the version spec/ was read from)."""
    return venv_python("bench-vendor", ["qhub-service==2.0.0", "qhub-api==3.3.0"])
