"""Rows of a spreadsheet (.xlsx or .csv), read as data and streamed.

The edge of `lsg inventory import`: what an accountant's register of fixed assets
holds, one row at a time, as plain values (text, numbers, dates). Nothing in a cell
is run: a workbook is opened read-only with the values Excel last calculated
(`data_only`; a formula never calculated reads as empty), and a CSV cell that starts
with '=' is text like any other. A file that is not a spreadsheet is one SheetError
naming the file (and the line, where there is one), never a traceback.

The kind of file is told from its first bytes, not its name: a workbook is a ZIP
archive, an old Excel 97-2003 file an OLE2 one, anything else must be UTF-8 text.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError

from lsg_infra.errors import Problem, SheetError
from lsg_infra.register import Row, Value
from lsg_infra.textsafe import quoted

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DELIMITERS = (";", ",", "\t")
_SAMPLE_LINES = 30
# csv's own limit (131,072 characters a cell) stays: no register has such a cell.


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet, opened: its name ('' for a CSV file), the rows, and how many rows the
    file says it has (for a progress bar; 0 when it does not say)."""

    name: str
    rows: Iterator[Row]
    size: int


def _fail(shown: str, message: str, line: int = 0) -> SheetError:
    return SheetError(Problem(shown, line, "", message))


def _kind_of_file(path: Path, shown: str) -> str:
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise _fail(shown, f"cannot read: {exc.strerror}") from None
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(_OLE2):
        raise _fail(
            shown,
            "is an Excel 97-2003 workbook (.xls) or a password-protected one; expected "
            ".xlsx or CSV: save it without a password as 'Excel Workbook (.xlsx)' or "
            "'CSV UTF-8'",
        )
    return "csv"


@contextmanager
def open_sheet(path: Path, shown: str, sheet: str | None = None) -> Iterator[Sheet]:
    """The sheet (the first one unless `sheet` names another), its rows streamed.

    `shown` is the file as messages name it. SheetError for a file that is not a
    workbook or UTF-8 text, or for a sheet it does not have.
    """
    if _kind_of_file(path, shown) == "xlsx":
        with _open_workbook(path, shown, sheet) as found:
            yield found
    else:
        if sheet is not None:
            raise _fail(shown, f"--sheet {quoted(sheet)}: a CSV file has no sheets")
        with _open_csv(path, shown) as found:
            yield found


# ---------------------------------------------------------------- .xlsx

# What openpyxl raises on a damaged or foreign ZIP file (an .ods, a .docx, a cut download).
_BROKEN = (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, ParseError, OSError)


@contextmanager
def _open_workbook(path: Path, shown: str, wanted: str | None) -> Iterator[Sheet]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    broken = (*_BROKEN, InvalidFileException)
    fh = path.open("rb")
    try:
        try:
            # A file object, not the path: openpyxl refuses a path by its extension alone.
            book = load_workbook(fh, read_only=True, data_only=True, keep_links=False)
        except broken as exc:
            raise _fail(shown, f"is not an .xlsx workbook ({_reason(exc)})") from None
        try:
            names = book.sheetnames
            if wanted is not None and wanted not in names:
                raise _fail(
                    shown,
                    f"no sheet {quoted(wanted)}; expected one of: "
                    + ", ".join(quoted(n) for n in names),
                )
            name = wanted if wanted is not None else (names[0] if names else "")
            if not name:
                raise _fail(shown, "the workbook has no sheet")
            ws = book[name]
            if not hasattr(ws, "iter_rows"):
                raise _fail(shown, f"sheet {quoted(name)} is a chart; expected a sheet of cells")
            try:
                size = int(ws.max_row or 0)
            except broken:
                size = 0
            yield Sheet(name, _workbook_rows(ws.iter_rows(values_only=True), shown, broken), size)
        finally:
            book.close()
    finally:
        fh.close()


def _workbook_rows(
    rows: Iterator[tuple[object, ...]], shown: str, broken: tuple[type[BaseException], ...]
) -> Iterator[Row]:
    number = 0
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except broken as exc:
            raise _fail(
                shown, f"row {number + 1}: the sheet cannot be read ({_reason(exc)})"
            ) from None
        number += 1
        yield number, tuple(_value(c) for c in cells)


def _value(cell: object) -> Value:
    if cell is None or isinstance(cell, str | int | float | dt.date):
        return None if isinstance(cell, bool) else cell  # TRUE/FALSE say nothing here
    return str(cell)  # a time, a duration


def _reason(exc: BaseException) -> str:
    text = str(exc).split("\n", 1)[0]
    return quoted(text, limit=80) if text else type(exc).__name__


# ---------------------------------------------------------------- .csv


@contextmanager
def _open_csv(path: Path, shown: str) -> Iterator[Sheet]:
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte order mark; without it, the
        # first header would read '\ufeffInventarski broj' and match nothing.
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise _fail(shown, f"cannot read: {exc.strerror}") from None
    with fh:
        sample_lines = _sample(fh, shown)
        delimiter = _delimiter(sample_lines)
        fh.seek(0)  # the decoder starts again, and skips the byte order mark again
        size = _count_lines(path)
        yield Sheet("", _csv_rows(fh, shown, delimiter), size)


def _sample(fh: IO[str], shown: str) -> list[str]:
    lines: list[str] = []
    try:
        for number, text in enumerate(fh, start=1):
            if "\x00" in text:
                raise _fail(
                    shown, "is not a spreadsheet: binary data; expected .xlsx or CSV", number
                )
            lines.append(text)
            if len(lines) >= _SAMPLE_LINES:
                break
    except UnicodeDecodeError:
        raise _fail(
            shown,
            "is not UTF-8 text; expected .xlsx or CSV: save it as 'CSV UTF-8'",
            len(lines) + 1,
        ) from None
    return lines


def _delimiter(lines: list[str]) -> str:
    """The delimiter that splits most sample lines into the same number of cells (> 1).

    Excel writes ';' where the decimal separator is a comma (these countries); a title
    row above the header ("Popis, stanje na dan 31.12.2025") must not decide it.
    """
    best, best_score = ",", -1
    for delimiter in _DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=delimiter) if len(r) > 1]
        except csv.Error:
            continue
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = widths.count(common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            count += block.count(b"\n")
    return count


def _csv_rows(fh: IO[str], shown: str, delimiter: str) -> Iterator[Row]:
    reader = csv.reader(fh, delimiter=delimiter)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise _fail(
                shown, "is not UTF-8 text; expected CSV UTF-8", reader.line_num + 1
            ) from None
        except csv.Error as exc:
            raise _fail(shown, f"is not a readable CSV file: {exc}", reader.line_num) from None
        if any("\x00" in c for c in cells):
            raise _fail(shown, "is not a spreadsheet: binary data; expected .xlsx or CSV", line)
        yield line, tuple(c if c != "" else None for c in cells)
        line = reader.line_num + 1
