"""Import cost of ``qhub.service.client``, ``qhub.api.platform`` and ``qhub.api.quantum``:
ours vs the vendor's, each in a clean venv.

Prints the median wall time (fresh interpreter, N times) and the memory added over a bare
interpreter (max RSS) of two steps: the import alone, and the import plus constructing an
anonymous client (ours defers httpx and pydantic to that point), and whether anything was
printed on stderr (warnings).
"""

from __future__ import annotations

import statistics
import subprocess
from pathlib import Path

from _envs import our_client_python, vendor_client_python

TRIALS = 9
PROBE = """
import resource, sys, time, warnings
warnings.simplefilter("default")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
{statement}
elapsed = time.perf_counter() - t
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(elapsed * 1000, (after - before) / 1024)
"""
STATEMENTS = {
    # What any client on httpx and pydantic pays; the goal is ours within 40 ms of it
    # for the first client (``BaseModel`` is what pydantic's lazy import loads for a model).
    "baseline: httpx + pydantic.BaseModel": "import httpx\nfrom pydantic import BaseModel",
    "import": "from qhub.service.client import HubServiceClient",
    "import + client": (
        "from qhub.service.client import HubServiceClient\n"
        "HubServiceClient('http://127.0.0.1:9/a/b/1', None, None)"
    ),
    # The generated API packages: their ~350 models each must not load at import.
    "import qhub.api.platform": "import qhub.api.platform",
    "import qhub.api.quantum": "import qhub.api.quantum",
    "platform client": (
        "from qhub.api.platform import HubPlatformClient\n"
        "HubPlatformClient(api_key='k', base_url='http://127.0.0.1:9').services"
    ),
    "quantum client": (
        "from qhub.api.quantum import HubQuantumClient\n"
        "HubQuantumClient(api_key='k', base_url='http://127.0.0.1:9').jobs"
    ),
}


def measure(python: Path, statement: str) -> tuple[float, float, str]:
    """Median ms, median added MiB, and anything printed on stderr."""
    times, mems, errors = [], [], ""
    for _ in range(TRIALS):
        done = subprocess.run(
            [str(python), "-c", PROBE.format(statement=statement)],
            capture_output=True,
            text=True,
            check=True,
        )
        ms, mib = map(float, done.stdout.split())
        times.append(ms)
        mems.append(mib)
        errors = errors or done.stderr.strip()
    return statistics.median(times), statistics.median(mems), errors


def main() -> None:
    """Print both side by side."""
    pythons = (("ours", our_client_python()), ("vendor", vendor_client_python()))
    print(f"median of {TRIALS} fresh interpreters")
    print(f"{'':34} {'ms':>8} {'MiB added':>10}  stderr")
    for step, statement in STATEMENTS.items():
        for name, python in pythons:
            ms, mib, stderr = measure(python, statement)
            shown = stderr.splitlines()[-1][:60] if stderr else "none"
            print(f"{step + ', ' + name:34} {ms:8.1f} {mib:10.1f}  {shown}")


if __name__ == "__main__":
    main()
