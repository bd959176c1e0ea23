"""Printing for the CLI: rich tables for people, JSON and CSV for programs, errors to stderr.

Everything that reaches the terminal goes through here and through
`lsg_infra.textsafe.printable`: inventory text, YAML keys, NetBox answers and facts
from SSH hosts are shown as written, with escape sequences escaped and rich markup
(`[bold]`, `:fire:`) left as plain characters. Tables keep every character: full
width when the output is a file or a pipe, wrapped (never cut) on a terminal, and one
`column: value` line per cell when the terminal is too narrow for the columns.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.measure import Measurement
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from lsg_infra.textsafe import printable

# markup and emoji off: text from files is shown as written, never interpreted
console = Console(highlight=False, markup=False, emoji=False)
err_console = Console(stderr=True, highlight=False, markup=False, emoji=False)

FULL_WIDTH = 1_000_000
"""Width of a table printed to a file or pipe: wide enough never to cut a cell."""


class StdoutFailed(Exception):
    """Standard output cannot be written (a full disk, a closed pipe, an unusable device)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.reason = error.strerror or type(error).__name__
        self.quiet = error.errno == errno.EPIPE  # `lsg ... | head`: the reader is done
        self.exit_code = 1


class _GuardedStdout(io.TextIOBase):
    """sys.stdout that turns a failed write into StdoutFailed (a one-line error, not exit 70).

    Rich, csv and json all write through `sys.stdout`, so this is the one place to catch it.
    """

    def __init__(self, stream: io.TextIOBase) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise _failed(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise _failed(exc) from None

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self._stream, "encoding", "utf-8"))

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self._stream, "errors", None)


def _failed(exc: OSError) -> StdoutFailed:
    # Nothing more can reach stdout; point it at /dev/null so that the interpreter's own
    # flush at exit does not fail a second time with "Exception ignored ...".
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return StdoutFailed(exc)


def prepare_streams() -> None:
    """Make stdout and stderr unable to end a run with an internal error.

    A terminal or a pipe whose encoding cannot show a character (PYTHONIOENCODING=ascii,
    a C locale) gets a backslash escape for it instead of a UnicodeEncodeError; a write
    that fails (a full disk) becomes StdoutFailed.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    if not isinstance(sys.stdout, _GuardedStdout) and isinstance(sys.stdout, io.TextIOBase):
        sys.stdout = _GuardedStdout(sys.stdout)


def flush_stdout() -> None:
    """Flush stdout now, while a failure can still become a one-line error."""
    sys.stdout.flush()


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def safe(text: object) -> str:
    """Any value as one line of terminal-safe text (see `lsg_infra.textsafe`)."""
    return printable(str(text))


def line(text: str) -> None:
    """One line of plain text on stdout, shown as written."""
    sys.stdout.write(safe(text) + "\n")


def error(message: str) -> None:
    """One message on stderr; every line of it shown as written.

    Written directly, not through rich: nothing in it is markup, and rich's rendering
    cost 0.3 ms a line (16 s for a file with 50,000 unknown keys).
    """
    sys.stderr.write("".join(safe(part) + "\n" for part in str(message).split("\n")))


class SafeLogFormatter(logging.Formatter):
    """Log records shown as written: a logged host name or NetBox answer cannot drive the
    terminal (tracebacks keep their line breaks, every line is escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        return "\n".join(safe(part) for part in super().format(record).split("\n"))


# json.dumps escapes C0 controls itself; with ensure_ascii=False the C1 controls and
# bidirectional overrides would pass raw, so they are escaped the JSON way (still JSON).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def print_json(data: Any) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def print_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Rows as CSV on stdout; cells neutralised for spreadsheets and terminals."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])


def csv_cell(value: object) -> str:
    # Spreadsheets run cells that start with these as formulas; inventory text may.
    text = "" if value is None else safe(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def print_table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    right: Sequence[str] = (),
) -> None:
    materialised = [[_cell(v) for v in row] for row in rows]
    table = Table(title=Text(safe(title)) if title else None, title_justify="left")
    for col in columns:
        # fold: a long id is wrapped onto the next line, never cut to "rs-k…"
        table.add_column(
            Text(safe(col)), justify="right" if col in right else "left", overflow="fold"
        )
    for cells in materialised:
        table.add_row(*cells)
    if not console.is_terminal:
        # a file or a pipe: as wide as the table needs (rich would cut it to $COLUMNS or 80)
        Console(
            file=console.file, width=FULL_WIDTH, highlight=False, markup=False, emoji=False
        ).print(table, crop=False)
        return
    needed = Measurement.get(console, console.options.update_width(FULL_WIDTH), table)
    if needed.minimum > console.width:
        _print_records(title, columns, materialised)
        return
    console.print(table)


def _print_records(title: str | None, columns: Sequence[str], rows: list[list[Text]]) -> None:
    """A table too wide for the terminal, as `column: value` lines, one block per row."""
    if title:
        line(title)
    width = max((len(c) for c in columns), default=0)
    for cells in rows:
        for col, cell in zip(columns, cells, strict=False):
            console.print(Text(f"{safe(col):<{width}}: ") + cell, soft_wrap=True)
        console.print()


def _cell(value: Any) -> Text:
    if value is None:
        return Text("-", style="dim")
    if isinstance(value, float | Decimal):
        return Text(f"{value:,.2f}")
    if isinstance(value, int) and not isinstance(value, bool):
        return Text(f"{value:,}")
    return Text(safe(value))


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
