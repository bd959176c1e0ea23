"""What a fact is: a shell command and the pure function that reads what it printed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Generic, TypeVar

T = TypeVar("T")

KIB = 1024


@dataclass(frozen=True, slots=True)
class Fact(Generic[T]):
    """One fact: the shell command that prints it and the pure function that reads it."""

    name: str
    command: str
    parse: Callable[[str], T]
    cap: int = 64 * KIB
    timeout: int = 10


def to_int(value: str | None) -> int | None:
    """The whole number in `value`, or None where there is none."""
    try:
        return int(value.strip()) if value is not None else None
    except ValueError:
        return None


def shell(name: str) -> str:
    """A command kept as its own shell file beside these modules (packaged with them)."""
    text = resources.files("lsg_infra.discovery.facts").joinpath(name).read_text(encoding="utf-8")
    return text.rstrip("\n")
