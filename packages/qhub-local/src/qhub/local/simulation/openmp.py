"""Aer's OpenMP threads go to sleep soon after a simulation's parallel work is done.

By default OpenMP's idle threads spin, waiting for more parallel work, for a long while
after each parallel region: after a 20-qubit simulation they burned about 8 ms of CPU in the
next 20 ms on a 2-core machine, exactly when the Hub stores the result and answers the
waiting client, and when the client reads it. Spinning :data:`SPIN_COUNT` times instead
keeps what spinning is for (the threads still catch the next gate of a simulation without
being woken) and burns nothing measurable afterwards. Measured with
``benchmarks/quantum.py``'s circuits: a 22-qubit dense simulation took as long as by default
(not spinning at all made it up to 10 % slower: every gate woke the threads again), the
CPU burnt after a GHZ circuit fell from 8 ms to 0.07 ms.

Imported by the fork server before Qiskit (first in :data:`.processes.PRELOAD`): the OpenMP
runtime reads its settings once, when Aer's extension loads it. What the Hub's own
environment sets about this is left as it is.
"""

from __future__ import annotations

import os

#: GNU OpenMP (Aer's Linux wheels): how many times an idle thread spins before it sleeps.
SPIN_COUNT = "10000"
#: The same for LLVM / Intel OpenMP, which counts in milliseconds.
BLOCK_TIME_MS = "1"

if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", SPIN_COUNT)
    os.environ.setdefault("KMP_BLOCKTIME", BLOCK_TIME_MS)
