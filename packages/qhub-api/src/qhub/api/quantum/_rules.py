"""Domain rules the generated Quantum models derive from (named by ``x-python-base``).

The generated classes in ``_generated/models/`` add the fields from ``spec/quantum.json``;
what the spec can't say — which states are final, the fields the seeds document that the Hub
may leave out, how a job input is sent — lives here. This module must not import the
generated models.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import model_validator

from .._core.display import plot_counts
from .._core.models import HubEnum, HubModel

__all__ = [
    "FINAL_JOB_STATUS_VALUES",
    "FreeFormJobInputRules",
    "JobInputRules",
    "JobRules",
    "JobStatusRules",
    "NormalizedJobResultRules",
    "SessionRules",
    "job_input_wire",
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


def job_input_wire(model: HubModel) -> dict[str, Any]:
    """A job input model as the JSON object sent as ``input``: ``backendId`` first, then the
    documented fields in their order and any extra ones; no field whose value is ``None``,
    at any depth."""
    data = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {"backendId": data.pop("backendId"), **data} if "backendId" in data else data


class JobInputRules(HubModel):
    """How a typed job input is sent (each ``CreateJobRequestInput_*`` derives from it)."""

    def wire(self) -> dict[str, Any]:
        """The JSON object sent as ``input`` (see :func:`job_input_wire`)."""
        return job_input_wire(self)


class FreeFormJobInputRules(JobInputRules):
    """An input whose payload is its extra fields, sent flat beside ``backendId`` (Quandela's
    Perceval payload), so strict parsing in our tests keeps them."""

    strict_rejects_extra: ClassVar[bool] = False
