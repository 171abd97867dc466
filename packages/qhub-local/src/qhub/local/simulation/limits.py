"""The bounds every job input is admitted within: the one place they are set.

Sizes are checked in the Hub's own process before any circuit is built (see
:mod:`.admission`); what sizes can't bound — how long Qiskit takes to read a program, and how
much memory it needs for that — is bounded in the parser processes (see :mod:`.parsers`), and
how long one simulation may hold a simulator process in the simulators (see :mod:`.workers`).
A backend's own qubit count and shot limit come from the backend catalog, not from here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["JobLimits"]


@dataclass(frozen=True)
class JobLimits:
    """What one job input may ask of the local Hub.

    Attributes:
        max_instructions: gates in an IonQ circuit (one per target) or statements in an
            OpenQASM program (one per ``;``), per job, and gates in the circuit once its gate
            definitions are unrolled and its loops repeated (:mod:`.expansion`). Qiskit's
            reference OpenQASM 3 importer needs some 15 KiB and 0.3 ms per statement, so this
            also keeps a legal program within the parse bounds below.
        max_classical_bits: classical bits an OpenQASM program may declare (``creg``,
            ``bit[n]``).
        parse_seconds: how long reading one input into a circuit may take; a parser that
            overruns is killed and replaced, and the job refused.
        parse_memory_bytes: how much memory one parse may take beyond what the parser
            process already holds; past it the parse fails, and the job is refused.
        simulation_seconds: how long one job's simulation may take; a simulator that overruns
            is killed and replaced, and the job ends FAILED. Sizes can't bound this (a
            ``while`` loop, or a wide circuit of many gates, takes as long as it takes).
    """

    max_instructions: int = 100_000
    max_classical_bits: int = 1_024
    parse_seconds: float = 60.0
    parse_memory_bytes: int = 2 << 30
    simulation_seconds: float = 600.0

    def __post_init__(self) -> None:
        for name in ("max_instructions", "max_classical_bits", "parse_memory_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)!r}")
        for name in ("parse_seconds", "simulation_seconds"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)!r}")
