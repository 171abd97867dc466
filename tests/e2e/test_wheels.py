"""Our wheels, each installed alone into a clean virtual environment, run the quickstarts.

The three distributions are built from their own package directories (sdist, then the wheel
from the sdist) with the project's uv. Each one goes into a fresh venv together with the
siblings its metadata pins (``qhub-api==<VERSION>``), given as our wheel files, so they can
only come from those files; third-party dependencies come from the package index at the
versions of uv.lock (uv's cache makes that quick). Then the venv's own Python, isolated
(``-I``), runs the vendor quickstarts against a local Hub served by the workspace:
the Service SDK quickstart with qhub-service, the API SDK quickstart (a Bell circuit) with
qhub-api; qhub-local alone runs its CLI and serves the API SDK quickstart from the wheel.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qhub.local.server import LocalHub

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
UV = ROOT / ".tools" / "bin" / "uv"
VERSION = (ROOT / "VERSION").read_text().strip()
OURS = ("qhub-api", "qhub-service", "qhub-local")


def _env() -> dict[str, str]:
    """This environment minus whatever points at the workspace's venv or sources."""
    hidden = {"VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "PYTHONHOME", "UV_PYTHON"}
    return {key: value for key, value in os.environ.items() if key not in hidden}


def _run(*command: str | Path, cwd: Path, timeout: float = 120) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _last_json(output: str) -> Any:
    """The JSON object a script prints on its last line."""
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Our three wheels, each built from its package directory on its own."""
    assert UV.is_file(), f"{UV} is missing: `make install` installs it"
    out = tmp_path_factory.mktemp("wheels")
    for name in OURS:
        _run(
            UV,
            "build",
            "--quiet",
            "--no-sources",
            "--out-dir",
            out,
            ROOT / "packages" / name,
            cwd=out,
        )
    built = {}
    for name in OURS:
        (wheel,) = out.glob(f"{name.replace('-', '_')}-*.whl")
        assert wheel.name == f"{name.replace('-', '_')}-{VERSION}-py3-none-any.whl"
        built[name] = wheel
    return built


@pytest.fixture(scope="module")
def constraints(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """uv.lock's third-party versions, as constraints (our distributions are not in it)."""
    path = tmp_path_factory.mktemp("constraints") / "constraints.txt"
    _run(
        UV,
        "export",
        "--quiet",
        "--frozen",
        "--all-packages",
        "--no-emit-workspace",
        "--no-dev",
        "--no-hashes",
        "--no-annotate",
        "--no-header",
        "--output-file",
        path,
        cwd=ROOT,
    )
    assert not [line for line in path.read_text().splitlines() if line.startswith(OURS)]
    return path


def _pinned_siblings(wheel: Path) -> list[str]:
    """Our distributions that ``wheel`` requires; each must be pinned: ``qhub-api==VERSION``."""
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = (n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        lines = archive.read(metadata).decode().splitlines()
    siblings = []
    for line in lines:
        if line.startswith("Requires-Dist:"):
            requirement = line.split(":", 1)[1].strip()
            name = re.split(r"[^A-Za-z0-9._-]", requirement, maxsplit=1)[0]
            if name.lower().replace("_", "-") in OURS:
                assert requirement == f"{name}=={VERSION}"
                siblings.append(name)
    return siblings


PROBE = """
import importlib.metadata as md, json, sys
import qhub.api, qhub.api._core
found = {}
for name in ("qhub-api", "qhub-service", "qhub-local"):
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        continue
    found[name] = {"version": dist.version, "url": json.loads(dist.read_text("direct_url.json"))["url"]}
print(json.dumps({"found": found, "version": qhub.api.__version__, "core": qhub.api._core.__file__,
                  "prefix": sys.prefix}))
"""


@pytest.fixture(scope="module")
def venv_for(
    wheels: dict[str, Path], constraints: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], Path]:
    """``venv_for(name)``: the Python of a clean venv with that wheel and its pinned siblings."""

    def make(name: str) -> Path:
        venv = tmp_path_factory.mktemp(f"venv-{name}")
        _run(UV, "venv", "--quiet", "--no-project", "--python", sys.executable, venv, cwd=venv)
        python = venv / "bin" / "python"
        ours = [name, *_pinned_siblings(wheels[name])]
        _run(UV, "pip", "install", "--quiet", "--python", python, "--constraints", constraints,
             *(wheels[n] for n in ours), cwd=venv)  # fmt: skip
        # Ours, and only ours: each installed from the file we built, at VERSION.
        probe = _last_json(_run(python, "-I", "-c", PROBE, cwd=venv))
        assert probe["found"] == {n: {"version": VERSION, "url": wheels[n].as_uri()} for n in ours}
        assert probe["version"] == VERSION
        assert Path(probe["core"]).is_relative_to(venv)
        assert Path(probe["prefix"]) == venv
        return python

    return make


SERVICE_QUICKSTART = """
import json, os, sys
from qhub.service.client import HubServiceClient

hub = json.load(open(sys.argv[1]))
client = HubServiceClient(
    service_endpoint=hub["services"]["quickstart"],
    access_key_id=hub["application"]["access_key_id"],
    secret_access_key=hub["application"]["secret_access_key"],
    token_endpoint=hub["token_endpoint"],
)
execution = client.run(request={"values": [2], "shots": 100})
execution.wait_for_final_state(timeout=300)
print(f"Finished at {execution.ended_at} with status {execution.status}")
result = execution.result()
for file_name in execution.result_files():
    execution.download_result_file(file_name, os.getcwd())
for entry in execution.logs() or []:
    print(entry.timestamp, entry.severity, entry.message)
print(json.dumps({"status": execution.status.value, "data": result.data(), "files": sorted(os.listdir())}))
"""

API_QUICKSTART = """
import json, sys, time
from qhub.api.quantum import HubQuantumClient
from qhub.api.quantum.jobs import CreateJobRequestInput_AzureIonqSimulator
from qhub.api.quantum.types import AzureIonqJobInputCircuitItem

def quickstart(hub):
    client = HubQuantumClient(api_key=hub["personal_access_token"], base_url=hub["quantum_url"])
    job = client.jobs.create_job(
        backend_id="aws.sim.sv1",
        shots=1000,
        input=CreateJobRequestInput_AzureIonqSimulator(
            circuit=[
                AzureIonqJobInputCircuitItem(targets=[0]),
                AzureIonqJobInputCircuitItem(targets=[1], controls=[0]),
            ],
            gateset="qis",
            qubits=2,
        ),
    )
    while client.jobs.get_job_status(job.id).status in ("PENDING", "RUNNING"):
        time.sleep(0.2)
    result = client.jobs.get_job_result(job.id)
    client.close()
    return result

if __name__ == "__main__":
    print(json.dumps(quickstart(json.load(open(sys.argv[1])))))
"""

# qhub-local's wheel serves a Hub (`qhub-local serve`, in the venv) and qhub-api's wheel, its
# pinned sibling, runs the API SDK quickstart on it.
SERVED_BY_QHUB_LOCAL = """
import json, sys
from pathlib import Path
from qhub.local.process import hub_process
from api_quickstart import quickstart

with hub_process(Path(sys.argv[1]), quiet=True) as (hub, _):
    print(json.dumps(quickstart(hub)))
"""


def _assert_bell(counts: dict[str, int]) -> None:
    assert set(counts) == {"00", "11"}
    assert sum(counts.values()) == 1000


def test_qhub_service_wheel_runs_the_service_sdk_quickstart(
    venv_for: Callable[[str], Path], hub: LocalHub, tmp_path: Path
) -> None:
    python = venv_for("qhub-service")
    script = tmp_path / "service_quickstart.py"
    script.write_text(SERVICE_QUICKSTART)
    out = _last_json(_run(python, "-I", script, hub.data_dir / "connection.json", cwd=tmp_path))
    assert out["status"] == "SUCCEEDED"
    assert (out["data"]["shots"], out["data"]["qubits"]) == (100, 1)
    assert sum(out["data"]["counts"].values()) == 100
    assert out["data"]["job_id"]  # the service ran its circuit on the Hub's simulator
    assert "histogram.csv" in out["files"]


def test_qhub_api_wheel_runs_the_api_sdk_quickstart(
    venv_for: Callable[[str], Path], hub: LocalHub, tmp_path: Path
) -> None:
    python = venv_for("qhub-api")
    script = tmp_path / "api_quickstart.py"
    script.write_text(API_QUICKSTART)
    out = _last_json(_run(python, "-I", script, hub.data_dir / "connection.json", cwd=tmp_path))
    _assert_bell(out["counts"])


def test_qhub_local_wheel_runs_its_cli_and_serves_the_quickstart(
    venv_for: Callable[[str], Path], tmp_path: Path
) -> None:
    python = venv_for("qhub-local")
    assert "serve" in _run(python.parent / "qhub-local", "--help", cwd=tmp_path)
    _run(python, "-I", "-c", "import qhub.local.server", cwd=tmp_path)
    # The wheel carries the OpenAPI documents the Hub serves and validates against.
    where = _run(
        python,
        "-I",
        "-c",
        "import pathlib, qhub.local; print(pathlib.Path(qhub.local.__file__).parent / 'spec')",
        cwd=tmp_path,
    ).strip()
    assert "site-packages" in where
    assert {p.name for p in Path(where).glob("*.json")} == {
        "quantum.json",
        "platform.json",
        "service.json",
        "user.json",
    }
    (tmp_path / "api_quickstart.py").write_text(API_QUICKSTART)
    script = tmp_path / "served.py"
    script.write_text(SERVED_BY_QHUB_LOCAL)
    # not -I: the script imports api_quickstart from its own directory
    out = _last_json(_run(python, "-E", "-s", script, tmp_path / "hub", cwd=tmp_path))
    _assert_bell(out["counts"])
