"""The quickstart service: "measures" a register prepared from ``values``, ``shots`` times.

A dependency-free stand-in for a quantum service: the outcome counts are sampled from the
distribution an ideal device would give, with a seed derived from the input so a run is
reproducible.
"""

from __future__ import annotations

import logging
import math
import random

from qhub.local.runtime import write_string_output

log = logging.getLogger("quickstart")


def run(values: list[float], shots: int = 100) -> dict[str, object]:
    """Encode each value as a rotation angle of one qubit, sample ``shots`` outcomes."""
    if shots <= 0:
        raise ValueError("shots must be positive")
    qubits = len(values)
    print(f"preparing {qubits} qubit(s) from values {values}")
    probabilities = [math.sin(v / 2) ** 2 for v in values]
    rng = random.Random(repr((values, shots)))
    counts: dict[str, int] = {}
    for _ in range(shots):
        bits = "".join("1" if rng.random() < p else "0" for p in probabilities)
        counts[bits] = counts.get(bits, 0) + 1
    log.info("sampled %d shots over %d outcomes", shots, len(counts))
    ordered = dict(sorted(counts.items()))
    write_string_output(
        "histogram.csv", "outcome,count\n" + "".join(f"{k},{v}\n" for k, v in ordered.items())
    )
    return {"counts": ordered, "shots": shots, "qubits": qubits, "probabilities": probabilities}
