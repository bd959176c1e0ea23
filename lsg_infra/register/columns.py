"""Which column of a register holds what: the header row, found and mapped (pure).

A register often starts with a title ("Popis osnovnih sredstava na dan 31.12.2025")
and blank rows; the header is the first row, among the first 30, whose cells name a
column the import can classify from (a name, a type or a model). Headers are
compared folded (`vocabulary.fold`), so case, marks and script do not matter;
`--map COLUMN=field` names a column the vocabulary does not know, or overrides it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from lsg_infra.errors import Problem, SheetError, UsageError
from lsg_infra.register import Row, Value
from lsg_infra.register.vocabulary import FIELDS, HEADERS, header_key
from lsg_infra.textsafe import quoted

HEADER_WITHIN = 30
"""Rows searched for the header row."""
CLASSIFYING = ("name", "type", "model")
"""Columns a row's kind can be told from: a header row needs one of them."""


@dataclass(frozen=True, slots=True)
class Header:
    """The header row: its number, the field of each used column, and the columns left out."""

    row: int
    fields: dict[int, str]
    """Column index (0 for the first) -> field; the first column of a field wins."""
    titles: dict[int, str]
    """Column index -> the header as written, for messages."""
    unused: list[str]
    """Headers of columns the import does not use (unknown, or a field's second column)."""


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """`--map` options ('Opis=name') as folded header -> field; UsageError when malformed.

    >>> parse_mapping(["Opis opreme=name", "Br. kom.=count"])
    {'opis opreme': 'name', 'br kom': 'count'}
    """
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, field = pair.rpartition("=")
        field = field.strip()
        if not sep or not column.strip():
            raise UsageError(f"--map {quoted(pair)}: expected COLUMN=field, e.g. 'Opis=name'")
        if field not in FIELDS:
            raise UsageError(
                f"--map {quoted(pair)}: unknown field {quoted(field)}; expected one of: "
                + ", ".join(FIELDS)
            )
        key = header_key(column)
        if not key:
            raise UsageError(f"--map {quoted(pair)}: the column has no letters or digits")
        mapping[key] = field
    return mapping


def _text(value: Value) -> str:
    return "" if value is None else str(value).strip()


def _fields_of(cells: tuple[Value, ...], overrides: Mapping[str, str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        if not isinstance(cell, str):
            continue  # a number or a date is data, never a header
        key = header_key(cell)
        field = overrides.get(key) or HEADERS.get(key)
        if field is not None:
            found[index] = field
    return found


def find_header(
    rows: Iterator[Row], shown: str, overrides: Mapping[str, str] = {}
) -> tuple[Header, Iterator[Row]]:
    """The header row and the rows after it (the same iterator, moved on).

    SheetError for an empty sheet, a sheet without any known header in its first
    rows, or a header row from which no kind can be told; UsageError for a `--map`
    column no header row has.
    """
    seen_any = False
    partial: tuple[int, dict[int, str], tuple[Value, ...]] | None = None
    for number, cells in rows:
        if all(_text(c) == "" for c in cells):
            if number > HEADER_WITHIN and not seen_any:
                break
            continue
        seen_any = True
        fields = _fields_of(cells, overrides)
        if any(f in CLASSIFYING for f in fields.values()):
            return _header(number, cells, fields, shown, overrides), rows
        if fields and partial is None:
            partial = (number, fields, cells)
        if number >= HEADER_WITHIN:
            break
    if not seen_any:
        raise SheetError(
            Problem(shown, 0, "", "the sheet is empty; expected a header row and one row per item")
        )
    if partial is not None:
        number, fields, cells = partial
        named = ", ".join(quoted(_text(cells[i]), 40) for i in fields)
        raise SheetError(
            Problem(
                shown,
                number,
                "",
                f"no column for the name or the type of an item (found {named}); "
                "expected e.g. 'Naziv', 'Vrsta' or 'Model', or --map COLUMN=name",
            )
        )
    if overrides:
        raise UsageError(
            f"{shown}: no row among the first {HEADER_WITHIN} has the column "
            + ", ".join(quoted(k) for k in overrides)
            + " of --map with a name, type or model"
        )
    raise SheetError(
        Problem(
            shown,
            0,
            "",
            f"no header row in the first {HEADER_WITHIN} rows: no cell names a known "
            "column; expected e.g. 'Inventarski broj', 'Naziv', 'Serijski broj' "
            "(or --map COLUMN=field)",
        )
    )


def _header(
    number: int,
    cells: tuple[Value, ...],
    fields: dict[int, str],
    shown: str,
    overrides: Mapping[str, str],
) -> Header:
    titles = {i: _text(c) for i, c in enumerate(cells) if _text(c)}
    present = {header_key(t) for t in titles.values()}
    missing = [k for k in overrides if k not in present]
    if missing:
        raise UsageError(
            f"--map: no column {', '.join(quoted(k) for k in missing)} in the header row "
            f"({shown}:{number}); columns: " + ", ".join(quoted(t, 40) for t in titles.values())
        )
    used: dict[int, str] = {}
    taken: set[str] = set()
    for index in sorted(fields):
        field = fields[index]
        if field in taken or field == "ignore":
            continue
        taken.add(field)
        used[index] = field
    unused = [titles[i] for i in sorted(titles) if i not in used]
    return Header(row=number, fields=used, titles=titles, unused=unused)
