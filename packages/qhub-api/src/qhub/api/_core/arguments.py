"""Arguments with two accepted spellings (the seeds' name and the vendor's).

Standard library only: light enough for modules that must import fast (``qhub.service.client``).
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["exactly_one", "one_of"]

T = TypeVar("T")


def one_of(
    documented: T | None, other: T | None, name: str, other_name: str, *, required: bool = False
) -> T | None:
    """The value of an argument that has two accepted spellings (the seeds' and the vendor's).

    Raises:
        TypeError: both spellings were given, or neither of a required argument.
    """
    if required:
        return exactly_one(documented, other, name, other_name)
    if documented is not None and other is not None:
        raise TypeError(f"pass {name}= or {other_name}=, not both")
    return documented if documented is not None else other


def exactly_one(documented: T | None, other: T | None, name: str, other_name: str) -> T:
    """The value of a required argument that has two accepted spellings.

    Raises:
        TypeError: both spellings were given, or neither.
    """
    if documented is not None and other is not None:
        raise TypeError(f"pass {name}= or {other_name}=, not both")
    if documented is not None:
        return documented
    if other is not None:
        return other
    raise TypeError(f"{name}= is required (or {other_name}=)")
