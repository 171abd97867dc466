"""Domain rules the generated Quantum models derive from (named by ``x-python-base``).

The generated classes in ``_generated/models.py`` add the fields from ``spec/quantum.json``;
what the spec can't say — which states are final, the fields the seeds document that the Hub
may leave out — lives here. This module must not import the generated models.
"""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from .._core.display import plot_counts
from .._core.models import HubEnum, HubModel

__all__ = [
    "FINAL_JOB_STATUS_VALUES",
    "JobRules",
    "JobStatusRules",
    "NormalizedJobResultRules",
    "SessionRules",
]

#: The job states a job never leaves.
FINAL_JOB_STATUS_VALUES = frozenset({"COMPLETED", "FAILED", "CANCELLED", "ABORTED", "DETACHED"})


class JobStatusRules(HubEnum):
    """What a job status means (``JobStatus`` derives from it)."""

    @property
    def is_final(self) -> bool:
        """Whether the job can no longer change."""
        return self.value in FINAL_JOB_STATUS_VALUES


class JobRules(HubModel):
    """``runtime`` (milliseconds, as the seeds document it) is filled from the Hub's
    ``usage_time_millis`` when the Hub sends only that."""

    @model_validator(mode="before")
    @classmethod
    def _runtime_from_usage_time(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("runtime") is None and "usage_time_millis" in data:
            return {**data, "runtime": data["usage_time_millis"]}
        return data


class SessionRules(HubModel):
    """``final_not_aborted`` (documented by the seeds) is derived from ``final`` and ``status``
    when the Hub does not send it."""

    @model_validator(mode="before")
    @classmethod
    def _derive_final_not_aborted(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and data.get("final_not_aborted") is None
            and isinstance(data.get("final"), bool)
        ):
            aborted = data.get("status") == "ABORTED"
            return {**data, "final_not_aborted": data["final"] and not aborted}
        return data


class NormalizedJobResultRules(HubModel):
    """Views of a normalized result: its counts, and a bar chart of them."""

    def counts(self, pub: int = 0) -> dict[str, int]:
        """The counts of the ``pub``-th counts result (the first by default).

        Raises:
            ValueError: the result has no counts result of that index.
        """
        found = [p for p in getattr(self, "pubs", None) or [] if getattr(p, "counts", None)]
        if not 0 <= pub < len(found):
            raise ValueError(
                f"this result has {len(found)} counts result(s); there is no pub {pub}"
            )
        return dict(found[pub].counts)

    def plot(self, pub: int = 0, *, ax: Any = None, title: str | None = None) -> Any:
        """A bar chart of :meth:`counts` (needs matplotlib: ``pip install 'qhub-api[plot]'``);
        returns the matplotlib Axes."""
        return plot_counts(self.counts(pub), ax=ax, title=title)
