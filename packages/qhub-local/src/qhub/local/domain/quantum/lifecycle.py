"""How a job's progress becomes visible, settable in tests."""

from __future__ import annotations

from dataclasses import dataclass

from .records import FINAL_JOB_STATUSES

__all__ = ["JobLifecycle"]


@dataclass(frozen=True)
class JobLifecycle:
    """How a finished job's end becomes visible, so tests can pin polling and timeouts.

    ``JobLifecycle()`` shows every state as it happens. ``immediate`` simulates while the job
    is submitted, so it is already final in the response. ``after_polls=N`` keeps a finished
    job looking RUNNING for its first N reads; ``after_seconds=T`` until T seconds after it
    was submitted. ``outcome`` ends every job in that final state instead of simulating it
    (``"FAILED"``, ``"ABORTED"``, ``"DETACHED"``: the ends a simulator never produces), so
    code can be tested against them.
    """

    immediate: bool = False
    after_polls: int = 0
    after_seconds: float = 0.0
    outcome: str | None = None

    def __post_init__(self) -> None:
        ends = FINAL_JOB_STATUSES - {"COMPLETED", "CANCELLED"}
        if self.outcome is not None and self.outcome not in ends:
            names = ", ".join(sorted(ends))
            raise ValueError(f"outcome must be one of {names}, not {self.outcome!r}")

    @property
    def delays_visibility(self) -> bool:
        """Whether a finished job may still look RUNNING to its readers."""
        return bool(self.after_polls or self.after_seconds)
