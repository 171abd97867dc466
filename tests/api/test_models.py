"""Models as users read them: reprs show what is there, not every unset field."""

from __future__ import annotations

from qhub.api.quantum import Backend
from qhub.api.service import HalLink, ResultResponse, ServiceExecution


def test_repr_leaves_out_fields_that_are_none() -> None:
    """A link shows its href only, not the five optional fields the Hub left out."""
    assert (
        repr(HalLink(href="https://hub.example/r/1")) == "HalLink(href='https://hub.example/r/1')"
    )


def test_repr_leaves_out_fields_sent_as_null_but_keeps_falsy_values() -> None:
    """null on the wire is noise too; 0, False, "" and [] are values and stay."""
    backend = Backend.model_validate(
        {"id": "b", "name": None, "queue_size": 0, "has_calibration": False, "availability": []}
    )
    assert repr(backend) == (
        "Backend(id='b', queue_size=0, availability=[], has_calibration=False)"
    )
    assert str(backend) == "id='b' queue_size=0 availability=[] has_calibration=False"


def test_repr_of_nested_models_and_unknown_keys() -> None:
    """Nested models are trimmed too; unknown keys (a result's output) show unless null."""
    result = ResultResponse.model_validate(
        {"_links": {"status": {"href": "u"}}, "answer": 42, "nothing": None}
    )
    assert repr(result) == (
        "ResultResponse(links=ResultResponseLinks(status=HalLink(href='u')), answer=42)"
    )


def test_repr_does_not_change_the_model() -> None:
    """Only the repr is trimmed: the fields are all still there, and dumps are unchanged."""
    execution = ServiceExecution(id="e", status="PENDING", created_at="2026-01-01T00:00:00Z")
    assert "ended_at" not in repr(execution)
    assert execution.ended_at is None
    assert execution.model_dump(by_alias=True)["endedAt"] is None
