"""Aer's OpenMP threads go to sleep as soon as a simulation's parallel work is done.

By default OpenMP's idle threads spin, waiting for more parallel work, for a while after each
parallel region: after a 20-qubit simulation they burned about 10 ms of CPU in the next 20 ms
on a 2-core machine, exactly when the Hub stores the result and answers the waiting client,
and when the client reads it. Told not to spin, the same simulations take no longer (a
20-qubit GHZ circuit 7.7 ms instead of 8.5; a 22-qubit dense one 1.19 s instead of 1.30,
``benchmarks/quantum.py``'s circuits).

Imported by the fork server before Qiskit (first in :data:`.processes.PRELOAD`): the OpenMP
runtime reads its settings once, when Aer's extension loads it. What the Hub's own
environment sets about this is left as it is.
"""

from __future__ import annotations

import os

#: GNU OpenMP (Aer's Linux wheels): spin this many times before sleeping. LLVM / Intel
#: OpenMP: milliseconds to stay awake.
_NO_SPINNING = {"GOMP_SPINCOUNT": "0", "KMP_BLOCKTIME": "0"}

if "OMP_WAIT_POLICY" not in os.environ:
    for _name, _value in _NO_SPINNING.items():
        os.environ.setdefault(_name, _value)
