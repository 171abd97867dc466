"""Import cost of ``qhub.service.client``: ours vs the vendor's, each in a clean venv.

Prints the median wall time of the import (in a fresh interpreter, N times), the memory it
adds over a bare interpreter (max RSS), and whether the import printed any warning.
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
STATEMENT = "from qhub.service.client import HubServiceClient"


def measure(python: Path) -> tuple[float, float, str]:
    """Median import ms, median added MiB, and anything printed on stderr."""
    times, mems, errors = [], [], ""
    for _ in range(TRIALS):
        done = subprocess.run(
            [str(python), "-c", PROBE.format(statement=STATEMENT)],
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
    print(f"import: `{STATEMENT}` (median of {TRIALS} fresh interpreters)")
    print(f"{'':10} {'ms':>8} {'MiB added':>10}  warnings")
    for name, python in (("ours", our_client_python()), ("vendor", vendor_client_python())):
        ms, mib, stderr = measure(python)
        print(f"{name:10} {ms:8.1f} {mib:10.1f}  {stderr.splitlines()[-1] if stderr else 'none'}")


if __name__ == "__main__":
    main()
