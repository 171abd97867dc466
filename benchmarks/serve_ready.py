"""``qhub-local serve`` to ready, and the first example execution after it.

Starts ``qhub-local serve --port 0`` RUNS times on one data directory (after one unmeasured
start, so the data directory exists and the files Python and Qiskit read are in the page
cache: "simulators warm"), and prints the median, fastest and slowest of

* ready: from starting the command to the banner's ``ready`` line;
* first execution: the bundled ``quickstart`` service's first execution after ready (it
  submits a quantum job from inside the execution), from ``run`` to its final state.

``--compare NAME=SRC`` also runs ``qhub-local`` from another source tree's
``packages/qhub-local/src`` (put first on ``PYTHONPATH``; e.g. ``git archive main`` unpacked
somewhere), one start of each in turn, so a before/after comparison shares the machine's load.
The load average is printed before and after: on a shared 2-core machine it matters.

``--bytecode`` lets the started Hubs write and read bytecode in a scratch
``PYTHONPYCACHEPREFIX`` even where ``PYTHONDONTWRITEBYTECODE`` is set (as in this project's
environment, where ``uv sync`` compiles nothing): like an installed package, whose bytecode
pip writes at install. Without it every start compiles FastAPI, pydantic and Qiskit anew.

    python benchmarks/serve_ready.py [--runs 7] [--bytecode] [--compare before=SRC]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qhub.service.client import HubServiceClient

STARTUP_TIMEOUT = 60.0


@dataclass
class Variant:
    """One way of running ``qhub-local`` and what it measured."""

    name: str
    source: Path | None
    data_dir: Path
    pycache: Path | None = None
    ready: list[float] = field(default_factory=list)
    first_execution: list[float] = field(default_factory=list)

    def environment(self) -> dict[str, str]:
        """The started Hub's environment."""
        env = dict(os.environ)
        if self.pycache is not None:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(self.pycache)
        if self.source is not None:
            env["PYTHONPATH"] = os.pathsep.join(
                [str(self.source), *filter(None, [env.get("PYTHONPATH")])]
            )
        return env


def _command(data_dir: Path) -> list[str]:
    script = Path(sys.executable).with_name("qhub-local")
    program = [str(script)] if script.exists() else [sys.executable, "-m", "qhub.local.cli"]
    return [*program, "serve", "--port", "0", "--data-dir", str(data_dir)]


def _first_execution(connection: dict[str, Any]) -> float:
    app = connection["application"]
    with HubServiceClient(
        service_endpoint=connection["services"]["quickstart"],
        access_key_id=app["access_key_id"],
        secret_access_key=app["secret_access_key"],
        token_endpoint=connection["token_endpoint"],
    ) as client:
        started = time.perf_counter()
        execution = client.run(request={"values": [2], "shots": 100})
        execution.wait_for_final_state(timeout=120)
        elapsed = time.perf_counter() - started
        if execution.status != "SUCCEEDED":
            raise RuntimeError(f"the quickstart execution ended {execution.status}")
    return elapsed


def start_once(variant: Variant, measure: bool) -> None:
    """Start the Hub, wait for ``ready``, run the first execution, stop it."""
    started = time.perf_counter()
    server = subprocess.Popen(
        _command(variant.data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=variant.environment(),
        start_new_session=True,
        text=True,
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:
            if line.startswith("ready"):
                break
        else:
            raise RuntimeError(f"{variant.name}: the Hub exited with status {server.wait()}")
        ready = time.perf_counter() - started
        if time.perf_counter() - started > STARTUP_TIMEOUT:
            raise RuntimeError(f"{variant.name}: no ready line within {STARTUP_TIMEOUT} s")
        connection = json.loads((variant.data_dir / "connection.json").read_text())
        first = _first_execution(connection)
    finally:
        _stop(server)
    if measure:
        variant.ready.append(ready)
        variant.first_execution.append(first)


def _stop(server: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _summary(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):5.2f} s  "
        f"(min {min(values):5.2f}, max {max(values):5.2f}, n={len(values)})"
    )


def main() -> int:
    """Measure each variant RUNS times, interleaved; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="NAME=SRC",
        help="also run qhub-local from SRC (a packages/qhub-local/src directory)",
    )
    parser.add_argument(
        "--bytecode", action="store_true", help="let the Hubs cache bytecode (in a scratch dir)"
    )
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="serve-ready-"))
    pycache = scratch / "pycache" if args.bytecode else None
    try:
        variants = [Variant("this tree", None, scratch / "this", pycache)]
        for text in args.compare:
            name, _, source = text.partition("=")
            variants.append(Variant(name, Path(source).resolve(), scratch / name, pycache))
        if args.bytecode:
            print("bytecode: cached in a scratch PYTHONPYCACHEPREFIX")
        elif os.environ.get("PYTHONDONTWRITEBYTECODE"):
            print("bytecode: PYTHONDONTWRITEBYTECODE is set; sources without a .pyc compile anew")
        print(f"load average before: {_load()}")
        for variant in variants:
            start_once(variant, measure=False)
        for _ in range(args.runs):
            for variant in variants:
                start_once(variant, measure=True)
        print(f"load average after:  {_load()}")
        for variant in variants:
            print(f"{variant.name}:")
            print(f"  serve to ready               {_summary(variant.ready)}")
            print(f"  first example execution      {_summary(variant.first_execution)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
