"""What the SDK shows people, against a local Hub: bar charts of a job's and a service's
counts (matplotlib, an optional extra) and download progress (tqdm when installed, plain
lines otherwise)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import matplotlib
import pytest

from qhub.api._core.display import ByteProgress
from qhub.api.quantum import HubQuantumClient
from qhub.service.client import HubServiceClient

matplotlib.use("Agg")  # no screen here

GHZ = (
    'OPENQASM 3.0; include "stdgates.inc"; qubit[3] q; bit[3] c;'
    " h q[0]; cx q[0], q[1]; cx q[1], q[2]; c = measure q;"
)


def _bars(ax: object) -> dict[str, int]:
    """The chart's bars as outcome → height, read back from matplotlib."""
    labels = [tick.get_text() for tick in ax.get_xticklabels()]  # type: ignore[attr-defined]
    heights = [round(patch.get_height()) for patch in ax.patches]  # type: ignore[attr-defined]
    return dict(zip(labels, heights, strict=True))


def test_a_jobs_normalized_result_plots_its_counts(client: HubQuantumClient) -> None:
    """``get_normalized_job_result(id).plot()``: one bar per outcome, as high as its count."""
    job = client.jobs.create_job(backend_id="aws.sim.sv1", shots=200, input={"qasm": GHZ})
    client.jobs.wait(job.id, timeout=60)
    result = client.jobs.get_normalized_job_result(job.id)
    assert result is not None
    counts = result.counts()
    assert set(counts) == {"000", "111"} and sum(counts.values()) == 200
    ax = result.plot(title="GHZ")
    assert _bars(ax) == counts
    assert ax.get_title() == "GHZ" and ax.get_ylabel() == "count"
    with pytest.raises(ValueError, match="has 1 counts result"):
        result.counts(1)


def test_a_service_result_plots_its_counts_key(
    client_for: Callable[[str], HubServiceClient],
) -> None:
    """``Result.plot()`` charts the output's ``counts``; another key or a non-counts value is
    refused naming it."""
    result = client_for("quickstart").run(request={"values": [1.0, 2.0], "shots": 100}).result()
    assert _bars(result.plot()) == result["counts"]
    with pytest.raises(KeyError, match="no 'histogram'"):
        result.plot("histogram")
    with pytest.raises(ValueError, match=r"output\['shots'\] is int, not counts"):
        result.plot("shots")


def test_without_matplotlib_plot_says_which_extra_to_install() -> None:
    """With matplotlib missing, ``plot()`` raises an ImportError naming the extra."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["matplotlib"] = None  # as if it were not installed
        from qhub.api._core.display import plot_counts
        try:
            plot_counts({"0": 1})
        except ImportError as error:
            print(error)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == (
        "plot() needs matplotlib, an optional dependency: pip install 'qhub-api[plot]'"
    )


def test_a_download_shows_progress_with_tqdm(
    client_for: Callable[[str], HubServiceClient], downloads: Path
) -> None:
    """``download_result_file(..., progress=True)`` with tqdm installed: a bar that reaches
    the file's size; the file is complete."""
    execution = client_for("quickstart").run(request={"values": [1.0], "shots": 50})
    execution.wait_for_final_state(timeout=60, wait=0.2)
    shown = io.StringIO()
    with contextlib.redirect_stderr(shown):  # where tqdm writes by default
        path = execution.download_result_file("histogram.csv", downloads, progress=True)
    size = path.stat().st_size
    final = shown.getvalue().split("\r")[-1]
    assert size > 0 and final.startswith("histogram.csv: 100%|")
    assert f"{size:.1f}/{size:.1f}" in final  # bytes arrived / Content-Length


def test_without_tqdm_progress_is_plain_lines() -> None:
    """Without tqdm: a line at the start, one per tenth, and one at the end; nothing at all
    when disabled."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["tqdm"] = None
        sys.modules["tqdm.auto"] = None
        from qhub.api._core.display import ByteProgress
        with ByteProgress("data.bin", 2 * 1024 * 1024, stream=sys.stdout) as shown:
            for _ in range(32):
                shown.advance(64 * 1024)
        """
    )
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    lines = done.stdout.splitlines()
    assert lines[0] == "data.bin: 0 B of 2.0 MiB (0%) started"
    assert lines[-1] == "data.bin: 2.0 MiB of 2.0 MiB (100%) done"
    assert 10 <= len(lines) <= 13, lines
    quiet = io.StringIO()
    with ByteProgress("x", 10, enabled=False, stream=quiet) as shown:
        shown.advance(10)
    assert quiet.getvalue() == "" and shown.done == 10
