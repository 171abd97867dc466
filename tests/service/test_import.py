"""Importing the service client is quiet: no warnings, no network, no config file reads."""

from __future__ import annotations

import subprocess
import sys


def test_import_prints_no_warning_and_touches_no_config(tmp_path: object) -> None:
    """`-W error` import in a fresh interpreter with HOME pointing nowhere succeeds silently."""
    done = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            "-c",
            "import qhub.service.client, qhub.service.datapool, qhub.api.service",
        ],
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == done.stderr == ""


def test_constructing_a_client_reads_no_config(tmp_path: object) -> None:
    """An anonymous client builds even when the qhubctl config file is corrupt (vendor: raises)."""
    code = (
        "import os, pathlib; p = pathlib.Path(os.environ['HOME'], '.config/qhubctl'); p.mkdir(parents=True);"
        "(p / 'config.json').write_text('{corrupt');"
        "from qhub.service.client import HubServiceClient; HubServiceClient('http://127.0.0.1:9/x').close()"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_import_loads_neither_httpx_nor_pydantic() -> None:
    """``import qhub.service.client`` and ``import qhub.api.<api>`` stay light: httpx, pydantic
    and the generated models load when the first client is made, not at import."""
    code = (
        "import sys\n"
        "import qhub.service.client, qhub.api.quantum, qhub.api.platform, qhub.api.user\n"
        "import qhub.api.service\n"
        "heavy = [m for m in ('httpx', 'pydantic') if m in sys.modules]\n"
        "heavy += [m for m in sys.modules if m.endswith('_generated.models')]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_making_a_client_leaves_httpcore_for_the_first_request() -> None:
    """httpcore (and h11 with it, ~35 ms) loads with the first request, as in plain httpx:
    the SDK's wide-read network streams are imported then, not when a client is made."""
    code = (
        "import sys\n"
        "from qhub.api.service import AsyncHubServiceClient, HubServiceClient\n"
        "HubServiceClient(base_url='http://127.0.0.1:9', token='t')\n"
        "AsyncHubServiceClient(base_url='http://127.0.0.1:9', token='t')\n"
        "print('httpx' in sys.modules, 'httpcore' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False"]
