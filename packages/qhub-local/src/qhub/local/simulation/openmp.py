"""Aer's OpenMP threads go to sleep soon after a simulation's parallel work is done.

By default OpenMP's idle threads spin, waiting for more parallel work, for a long while
after each parallel region: after a 20-qubit simulation they burned about 8 ms of CPU in the
next 20 ms on a 2-core machine, exactly when the Hub stores the result and answers the
waiting client, and when the client reads it. Spinning :data:`SPIN_COUNT` times instead
keeps much of what spinning is for (the threads still catch the next gate of a simulation
without being woken) and burns at most a millisecond afterwards (0.1 to 0.9 ms measured).

How the count was chosen, with ``benchmarks/quantum.py``'s circuits and two Hubs run side by
side, paired runs: for the 20-qubit GHZ job through the Hub, 10 000 spins beat 100 000 by
2 ms and 300 000 (about the default) by 1 ms, and 30 000 did as well as 10 000; for the
22-qubit dense simulation (about 1.2 s), 10 000 spins beat none by 42 to 46 ms, 30 000 beat
10 000 by 7 to 28 ms, and 300 000 beat 10 000 by 27 to 38 ms (30 000 against the default
was not measured directly).

Imported by the fork server before Qiskit (first in :data:`.processes.PRELOAD`): the OpenMP
runtime reads its settings once, when Aer's extension loads it. What the Hub's own
environment sets about this is left as it is.
"""

from __future__ import annotations

import os

#: GNU OpenMP (Aer's Linux wheels): how many times an idle thread spins before it sleeps.
SPIN_COUNT = "30000"
#: The same for LLVM / Intel OpenMP, which counts in milliseconds.
BLOCK_TIME_MS = "1"

if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", SPIN_COUNT)
    os.environ.setdefault("KMP_BLOCKTIME", BLOCK_TIME_MS)
