"""Run every benchmark and print their figures (``make bench``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "import_time.py",
    "sdk_overhead.py",
    "executions.py",
    "status_load.py",
    "large_file.py",
    "datapool_large_file.py",
    "quantum.py",
    "listing_scale.py",
    "dashboard_paint.py",
    "job_admission.py",
    "serve_ready.py",
]


def main() -> int:
    """Run each script in turn; report which failed."""
    failed = []
    for script in SCRIPTS:
        print(f"\n=== {script} ===", flush=True)
        if subprocess.run([sys.executable, str(HERE / script)], cwd=HERE).returncode != 0:
            failed.append(script)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
