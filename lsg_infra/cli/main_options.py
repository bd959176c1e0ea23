"""Options shared by several commands."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Annotated

import typer

from lsg_infra import api
from lsg_infra.cli.output import Format
from lsg_infra.errors import UsageError
from lsg_infra.textsafe import quoted

InventoryOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--inventory",
        "-i",
        help="Inventory file or folder (repeatable). Default: ./inventory.",
        envvar="LSG_INVENTORY",
    ),
]


def _table_or_json(value: Format) -> Format:
    # One enum for all commands (callers compare with `Format.json`), but a command
    # that prints no rows must refuse csv rather than print a table instead (exit 2).
    if value is Format.csv:
        raise typer.BadParameter("csv is not available for this command; expected table or json")
    return value


FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="Output format: table or json.",
        metavar="[table|json]",
        callback=_table_or_json,
    ),
]
"""--format of a command whose output is not one list of rows."""

RowsFormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", help="Output format: table, json or csv (one row each)."),
]
"""--format of a command that prints one list of rows, which csv can carry."""


def finite(value: float | None) -> float | None:
    """Callback for float options: NaN and infinity pass click's min/max (every comparison
    with NaN is false), and a NaN timeout never expires."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number; expected a finite number")
    return value


FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
"""Reference dates a plan can mean (budget years are 2000-2100, see pipeline.parse_years)."""


def reference_day(text: str | None, option: str) -> dt.date:
    """The date an option names (YYYY-MM-DD), today when not given; UsageError otherwise.

    Year 1 or 9999 made the gap analysis fail with an internal error (ages, end of
    support and budget years out of range).
    """
    if text is None:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {quoted(text)} is not a date; expected YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise UsageError(f"{option} {text}: expected a date from {FIRST_DAY} to {LAST_DAY}")
    return day


def inventory_paths(given: list[Path] | None) -> list[Path]:
    return list(given) if given else [api.DEFAULT_INVENTORY]


AllowEmptyOpt = Annotated[
    bool,
    typer.Option(
        "--allow-empty",
        help="Accept an inventory folder without any inventory file (else exit 2).",
    ),
]
