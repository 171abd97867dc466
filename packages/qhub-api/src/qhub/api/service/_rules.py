"""Rules the generated Service API models derive from (named by ``x-python-base``).

This module must not import the generated models.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import model_validator

from .._core.models import HubEnum, HubModel

__all__ = [
    "FINAL_STATUS_VALUES",
    "EmbeddedStatusRules",
    "ServiceExecutionStatusRules",
    "ServiceOutputRules",
]

#: The states an execution never leaves.
FINAL_STATUS_VALUES = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})


class ServiceExecutionStatusRules(HubEnum):
    """What an execution status means: SUCCEEDED, FAILED and CANCELLED are final."""

    @property
    def is_final(self) -> bool:
        """Whether the execution can no longer change."""
        return self.value in FINAL_STATUS_VALUES


class ServiceOutputRules(HubModel):
    """A result and its links: keys besides the documented ones are the service's own output
    (or its result files), so strict parsing in our tests keeps them."""

    strict_rejects_extra: ClassVar[bool] = False


class EmbeddedStatusRules(HubModel):
    """The embedded execution of a result; the vendor's local runtime nests it one level deeper
    (``_embedded._embedded``), which is accepted too."""

    @model_validator(mode="before")
    @classmethod
    def _accept_doubly_nested_status(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and "status" not in data
            and isinstance(data.get("_embedded"), dict)
        ):
            rest = {k: v for k, v in data.items() if k != "_embedded"}
            return {**rest, "status": data["_embedded"]}
        return data
