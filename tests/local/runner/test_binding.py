"""Request values → arguments with the standard library only (the workspace's interpreter
may have nothing else): the conversions of service-workspaces.md §2.3, done on JSON values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import typing
import uuid
from pathlib import Path
from typing import Any, Literal

import pydantic
import pytest

from qhub.local.runner._binding import BindError, ConversionError, bind, convert


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Options(pydantic.BaseModel):
    scale: int = 1
    label: str = "x"


@dataclasses.dataclass
class Point:
    x: float
    y: float = 0.0


@pytest.mark.parametrize(
    ("annotation", "value", "expected"),
    [
        (list[float], [1, 2, 3.5], [1.0, 2.0, 3.5]),
        (str, "bob", "bob"),
        (int, 3, 3),
        (int, 4.0, 4),
        (int, "5", 5),
        (float, "1.5", 1.5),
        (bool, False, False),
        (bool, "false", False),
        (bool, 1, True),
        (int | None, None, None),
        (typing.Optional[float], 2, 2.0),  # noqa: UP045 - the spelling older programs use
        (int | str, "7", "7"),
        (str | int, 7, 7),
        (tuple[int, ...], [1, 2], (1, 2)),
        (tuple[int, str], [1, "a"], (1, "a")),
        (set[int], [1, 1, 2], {1, 2}),
        (frozenset[str], ["a"], frozenset({"a"})),
        (dict[str, float], {"a": 1}, {"a": 1.0}),
        (dict[int, str], {"1": "x"}, {1: "x"}),
        (list[list[int]], [[1], [2, 3]], [[1], [2, 3]]),
        (Color, "blue", Color.BLUE),
        (Color, "RED", Color.RED),
        (Literal["a", "b"], "b", "b"),
        (
            dt.datetime,
            "2024-01-02T03:04:05Z",
            dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
        ),
        (dt.date, "2024-01-02", dt.date(2024, 1, 2)),
        (dt.time, "03:04", dt.time(3, 4)),
        (
            uuid.UUID,
            "12345678123456781234567812345678",
            uuid.UUID(int=0x12345678123456781234567812345678),
        ),
        (decimal.Decimal, "1.10", decimal.Decimal("1.10")),
        (Path, "/data/x", Path("/data/x")),
        (Any, {"k": [1]}, {"k": [1]}),
        (dict, {"k": 1}, {"k": 1}),
        (list, [1, "a"], [1, "a"]),
        (Options, {"scale": 2}, Options(scale=2)),
        (list[Options], [{}], [Options()]),
        (Point, {"x": 1}, Point(1.0)),
        (typing.Annotated[int, "meta"], "3", 3),
    ],
)
def test_values_convert_to_their_annotation(annotation: Any, value: Any, expected: Any) -> None:
    """Each supported annotation, from the JSON value a request carries."""
    converted = convert(annotation, value)
    assert converted == expected
    assert type(converted) is type(expected)


@pytest.mark.parametrize(
    ("annotation", "value", "message"),
    [
        (list[float], [1, "x"], "[1]: expected a number, got 'x'"),
        (list[float], "notalist", "expected an array, got 'notalist'"),
        (int, "many", "expected an integer, got 'many'"),
        (int, True, "expected an integer, got True"),
        (str, 123, "expected a string, got 123"),
        (bool, "maybe", "expected a boolean, got 'maybe'"),
        (int, None, "expected a value, got null"),
        (int | None, "x", "expected an integer, got 'x'"),
        (Color, "green", "expected one of 'red', 'blue', got 'green'"),
        (tuple[int, int], [1], "expected an array of 2 items, got 1"),
        (dict[str, int], {"a": "b"}, "['a']: expected an integer, got 'b'"),
        (Options, {"scale": "abc"}, ".scale: Input should be a valid integer"),
    ],
)
def test_values_that_do_not_fit_say_where_and_why(
    annotation: Any, value: Any, message: str
) -> None:
    """A misfit raises ConversionError naming the place inside the value."""
    with pytest.raises(ConversionError) as caught:
        convert(annotation, value)
    assert str(caught.value).startswith(message)


class SecretValue:
    """Recognised by its class name, like the vendor's."""

    def __init__(self, value: str) -> None:
        self.value = value


class DataPool:
    """Recognised by its class name, like the vendor's."""

    def __init__(self, path: Path) -> None:
        self.path = path


def test_bind_fills_parameters_secrets_pools_and_kwargs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parameters by name, ``$``-keys never, secrets from ``$secrets`` before the environment,
    pools from the mounted directory, defaults kept, the rest into ``**kwargs``."""
    (tmp_path / "data").mkdir()
    monkeypatch.setenv("SECRET_IBM_TOKEN", "from-env")

    def program(
        values: list[float],
        apiKey: SecretValue,
        ibmToken: SecretValue,
        data: DataPool,
        missing: DataPool | None,
        shots: int = 10,
        **extra: Any,
    ) -> None:
        raise AssertionError("not called")

    request = {"values": [1], "$tags": ["t"], "apiKey": "ignored", "other": 1}
    kwargs = bind(program, request, {"apiKey": "from-request"}, tmp_path)
    assert kwargs.keys() == {"values", "apiKey", "ibmToken", "data", "missing", "other"}
    assert kwargs["values"] == [1.0]
    assert kwargs["apiKey"].value == "from-request"
    assert kwargs["ibmToken"].value == "from-env"
    assert kwargs["data"].path == tmp_path / "data"
    assert kwargs["missing"] is None
    assert kwargs["other"] == 1


def test_bind_names_what_is_missing_or_invalid(tmp_path: Path) -> None:
    """A required parameter without a value, or a value that doesn't fit, is a BindError."""

    def program(count: int, name: str = "x") -> None:
        raise AssertionError("not called")

    with pytest.raises(BindError, match="missing required argument 'count'"):
        bind(program, {"name": "y"}, {}, tmp_path)
    with pytest.raises(BindError, match="argument 'count' is invalid: expected an integer"):
        bind(program, {"count": "many"}, {}, tmp_path)
