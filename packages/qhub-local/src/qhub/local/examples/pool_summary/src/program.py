"""The pool-summary service: reads the files of the data pool granted as ``input_data``
(``VIEW``) and writes a summary of them into the pool granted as ``output_data`` (``MODIFY``),
as the Service SDK's data pool grants example runs it.

It relies only on the runtime contract: a parameter annotated with a class named
``DataPool`` receives its pool, made from the pool's directory (any class of that name with
``path`` as its constructor's argument works; this one is all the service needs).
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

log = logging.getLogger("pool_summary")


class DataPool:
    """A mounted data pool: a directory of files."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def files(self) -> list[Path]:
        """The pool's files (top level), by name."""
        return sorted(p for p in self.path.iterdir() if p.is_file())


def run(
    input_data: DataPool, output_data: DataPool | None = None, shots: int = 100
) -> dict[str, object]:
    """Count the rows of each CSV file of ``input_data``; write the counts to ``output_data``
    as ``summary.csv`` when it is granted."""
    rows: dict[str, int] = {}
    for file in input_data.files():
        with file.open(newline="") as handle:
            rows[file.name] = max(sum(1 for _ in csv.reader(handle)) - 1, 0)  # not the header
        log.info("read %s: %d rows", file.name, rows[file.name])
    if output_data is not None:
        with (output_data.path / "summary.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "rows", "shots"])
            writer.writerows([name, count, shots] for name, count in rows.items())
        log.info("wrote summary.csv into the output pool")
    return {"rows": rows, "shots": shots, "summary_written": output_data is not None}
