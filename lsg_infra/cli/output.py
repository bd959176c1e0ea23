"""Printing for the CLI: rich tables for people, JSON for programs, errors to stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def print_table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    right: Sequence[str] = (),
) -> None:
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col, justify="right" if col in right else "left")
    for row in rows:
        # markup=False semantics: inventory text is shown literally, never as rich markup
        table.add_row(*[_cell(v) for v in row])
    console.print(table)


def _cell(value: Any) -> Any:
    from rich.text import Text

    if value is None:
        return Text("-", style="dim")
    if isinstance(value, float | Decimal):
        return Text(f"{value:,.2f}")
    if isinstance(value, int) and not isinstance(value, bool):
        return Text(f"{value:,}")
    return Text(str(value))


def error(message: str) -> None:
    err_console.print(message, markup=False, highlight=False, soft_wrap=True)


@contextmanager
def progress_bar(
    description: str, total: int, *, enabled: bool = True, min_total: int = 20
) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr when it helps (a terminal, and enough work)."""
    if not enabled or total < min_total or not err_console.is_terminal:
        yield lambda *args, **kwargs: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda *args, **kwargs: progress.advance(task)
