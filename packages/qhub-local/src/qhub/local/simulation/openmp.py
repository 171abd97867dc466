"""Aer's OpenMP threads go to sleep soon after a simulation's parallel work is done.

By default OpenMP's idle threads spin, waiting for more parallel work, for a long while
after each parallel region: after a 20-qubit simulation they burned about 8 ms of CPU in the
next 20 ms on a 2-core machine, exactly when the Hub stores the result and answers the
waiting client, and when the client reads it. Spinning :data:`SPIN_COUNT` times instead
keeps most of what spinning is for (the threads still catch the next gate of a simulation
without being woken) and burns at most a millisecond afterwards. Measured with
``benchmarks/quantum.py``'s circuits, each setting against another in Hubs run side by side:
the CPU burnt after a GHZ circuit fell from 8 ms to 0.1 to 0.9 ms, and the GHZ job through
the Hub lost its millisecond or two; a 22-qubit dense simulation is within about 1 % of the
default (10 000 spins made it 1 to 2 % slower, not spinning at all 3 to 4 %: every gate woke the
threads again).

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
