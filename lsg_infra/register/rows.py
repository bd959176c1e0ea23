"""One row of a register into one inventory asset, or one reason why not (pure).

Nothing is guessed: a row whose kind no word tells, whose site no column or option
names, whose date is not a date, or that the inventory already holds (same serial or
id) is reported with its file and row and left out. The person fixes the register or
adds `--map`/`--site`, and imports again.

The register's name of an item ("Računar Dell OptiPlex 7010"), its inventory number,
location and status go to the asset's `notes`: the inventory has no field for them,
and the person reviewing the import needs them to find the item.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pydantic import ValidationError

from lsg_infra.errors import Problem
from lsg_infra.model.inventory import Asset, Inventory
from lsg_infra.register import Row, Value
from lsg_infra.register.columns import Header
from lsg_infra.register.vocabulary import KIND_EXAMPLES, classify, fold, written_off
from lsg_infra.textsafe import forbidden_character, quoted

FIRST_YEAR = 1980
"""The inventory's first purchase year (`model.inventory.Year`)."""
NOTES_LIMIT = 2000
"""`Asset.notes` holds at most this many characters."""


@dataclass(frozen=True, slots=True)
class Known:
    """What the LSG's inventory already holds: an import adds nothing twice."""

    lsg_id: str
    sites: dict[str, str]
    """Site id -> name."""
    ids: dict[str, str] = field(default_factory=dict)
    """Asset id -> where it is written."""
    serials: dict[str, str] = field(default_factory=dict)
    """Serial number (folded) -> where it is written."""


def known_of(inventory: Inventory) -> Known:
    """The sites, asset ids and serial numbers of `inventory`, each with its file:line."""
    ids: dict[str, str] = {}
    serials: dict[str, str] = {}
    for asset in inventory.assets:
        where = str(asset.source) if asset.source else inventory.id
        if asset.id:
            ids[asset.id] = where
        if asset.serial:
            serials[fold(asset.serial)] = f"{where} ({asset.id})" if asset.id else where
    return Known(
        lsg_id=inventory.id, sites={s.id: s.name for s in inventory.sites}, ids=ids, serials=serials
    )


@dataclass(frozen=True, slots=True)
class Mapped:
    """The rows of a register, mapped: the assets, the rows left out (and why)."""

    assets: list[Asset]
    left_out: list[Problem]
    rows: int
    """Rows read after the header (empty rows not counted)."""


class _LeftOut(Exception):
    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message


def _text(value: Value) -> str | None:
    """A cell as one line of text; None when empty. Numbers as written in the sheet."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else f"{value:g}"
    else:
        text = str(value)
    text = " ".join(text.split())  # a line break typed into a cell (Alt+Enter) is a space
    return text or None


_DMY = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})\.?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][0-9:.]*)?")
_MONTH_YEAR = re.compile(r"(\d{1,2})[./](\d{4})\.?")
_YEAR = re.compile(r"(\d{4})\.?(?:\s*(?:god|godina|g|год|година|г)\.?)?", re.IGNORECASE)


def purchase_year(value: Value, this_year: int) -> int:
    """The year of a purchase date or year as registers write it; _LeftOut otherwise.

    >>> [purchase_year(v, 2026) for v in ("15.03.2016.", "2019-07-01", "2021. god.", 2018.0)]
    [2016, 2019, 2021, 2018]
    """
    year: int | None = None
    if isinstance(value, dt.date):
        year = value.year
    elif isinstance(value, int | float):
        year = int(value) if float(value).is_integer() and 1000 <= value <= 9999 else None
    elif isinstance(value, str):
        text = value.strip()
        if m := _DMY.fullmatch(text):
            year = _checked(int(m[3]), int(m[2]), int(m[1]))
        elif m := _ISO.fullmatch(text):
            year = _checked(int(m[1]), int(m[2]), int(m[3]))
        elif m := _MONTH_YEAR.fullmatch(text):
            year = int(m[2]) if 1 <= int(m[1]) <= 12 else None
        elif m := _YEAR.fullmatch(text):
            year = int(m[1])
    if year is None:
        raise _LeftOut(
            "", f"{quoted(_text(value) or '')} is not a date or a year; expected e.g. 15.03.2016"
        )
    if not FIRST_YEAR <= year <= this_year + 1:
        raise _LeftOut("", f"purchase year {year} is outside {FIRST_YEAR}-{this_year + 1}")
    return year


def _checked(year: int, month: int, day: int) -> int | None:
    try:
        return dt.date(year, month, day).year
    except ValueError:
        return None


_COUNT = re.compile(r"(\d{1,9})(?: 0+)?(?: kom| komada| pcs| kom \w+)?")


def quantity(value: Value) -> int:
    """How many items a row counts ('2', 2.0, '2,00', '2 kom.'); _LeftOut otherwise."""
    number: int | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value) if float(value).is_integer() else None
    elif isinstance(value, str) and (m := _COUNT.fullmatch(fold(value))):
        number = int(m[1])
    if number is None or number < 1:
        raise _LeftOut("", f"quantity {quoted(_text(value) or '')} is not a whole number >= 1")
    return number


class RowMapper:
    """Turns the rows under one header into assets for one LSG."""

    def __init__(
        self, header: Header, shown: str, known: Known, *, site: str | None, this_year: int
    ) -> None:
        self.header = header
        self.shown = shown
        self.known = known
        self.site = site
        self.this_year = this_year
        self.ids: dict[str, int] = {}
        self.serials: dict[str, int] = {}
        self._sites = [(sid, [fold(sid), fold(name)]) for sid, name in known.sites.items()]

    def title(self, name: str) -> str:
        for index, f in self.header.fields.items():
            if f == name:
                return quoted(self.header.titles.get(index, name), 40)[1:-1]
        return ""

    def map_all(self, rows: Iterator[Row], progress: Callable[[], None] | None = None) -> Mapped:
        assets: list[Asset] = []
        left_out: list[Problem] = []
        count = 0
        for number, cells in rows:
            if progress is not None:
                progress()
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            count += 1
            try:
                assets.append(self.asset(number, cells))
            except _LeftOut as exc:
                left_out.append(Problem(self.shown, number, exc.where, exc.message))
        return Mapped(assets=assets, left_out=left_out, rows=count)

    def asset(self, number: int, cells: tuple[Value, ...]) -> Asset:
        """The asset of one row; _LeftOut saying why there is none."""
        raw: dict[str, Value] = {}
        text: dict[str, str] = {}
        for index, name in self.header.fields.items():
            if name == "value" or index >= len(cells):
                continue  # money spent: the inventory has no field for it
            cell = cells[index]
            if isinstance(cell, str):
                bad = forbidden_character(cell)
                if bad is not None:
                    raise _LeftOut(
                        self.title(name),
                        f"holds the control character {bad}; expected plain text",
                    )
            shown = _text(cell)
            if shown is not None:
                raw[name] = cell
                text[name] = shown
        status = text.get("status")
        if status is not None and written_off(status):
            raise _LeftOut(self.title("status"), f"{quoted(status)}: written off")
        record: dict[str, object] = {"kind": self._kind(text)}
        record["site"] = self._site(text.get("location"))
        record["count"] = self._field("count", raw, quantity)
        record["purchased"] = self._field(
            "purchased", raw, lambda v: purchase_year(v, self.this_year)
        )
        record["manufacturer"] = text.get("manufacturer")
        record["model"] = text.get("model")
        record["id"] = asset_id = self._id(text.get("inventory_number"))
        record["serial"] = serial = self._serial(text.get("serial"))
        record["notes"] = _notes(text)
        try:
            asset = Asset.model_validate({k: v for k, v in record.items() if v is not None})
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            name = str(error["loc"][0]) if error["loc"] else ""
            column = {"id": "inventory_number"}.get(name, name)
            raise _LeftOut(self.title(column), error["msg"].rstrip(".")) from None
        # only a row that made an asset claims its id and serial for the rows after it
        if asset_id is not None:
            self.ids[asset_id] = number
        if serial is not None and fold(serial):
            self.serials[fold(serial)] = number
        return asset

    def _field(self, name: str, raw: dict[str, Value], parse: Callable[[Value], int]) -> int | None:
        if name not in raw:
            return None
        try:
            return parse(raw[name])
        except _LeftOut as exc:
            raise _LeftOut(self.title(name), exc.message) from None

    def _kind(self, text: dict[str, str]) -> str:
        for name in ("type", "name", "model"):
            value = text.get(name)
            if value is None:
                continue
            kind, words = classify(value)
            if kind is not None:
                return kind.value
            if len(words) == 1:
                raise _LeftOut(
                    self.title(name),
                    f"{quoted(value)} is a {quoted(words[0])}, which the inventory does not count",
                )
            if words:
                raise _LeftOut(
                    self.title(name),
                    f"{quoted(value)} names {' and '.join(quoted(w) for w in words)}: not one "
                    "kind of equipment; say which in a type column (--map COLUMN=type)",
                )
        given = [text[n] for n in ("type", "name", "model") if n in text]
        if not given:
            raise _LeftOut("", "no name, type or model; nothing to tell the kind of item from")
        raise _LeftOut(
            self.title("type") or self.title("name") or self.title("model"),
            f"no kind of equipment in {' / '.join(quoted(g) for g in given)}; expected "
            f"a word such as {KIND_EXAMPLES} (or --map a type column)",
        )

    def _site(self, location: str | None) -> str:
        if location is not None:
            # whole words: 'Banatsko' or 'MZ Banatsko, soba 3' for 'Mesna zajednica Banatsko'
            words = f" {fold(location)} "
            exact = [sid for sid, names in self._sites if fold(location) in names]
            inside = [
                sid
                for sid, names in self._sites
                if any(f" {n} " in words or words in f" {n} " for n in names)
            ]
            found = exact or inside
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise _LeftOut(
                    self.title("location"),
                    f"{quoted(location)} names more than one site ({', '.join(found)})",
                )
        if self.site is not None:
            return self.site
        if len(self.known.sites) == 1:
            return next(iter(self.known.sites))
        said = f"{quoted(location)} names no site" if location else "no location"
        raise _LeftOut(
            self.title("location"),
            f"{said} of {self.known.lsg_id} ({', '.join(self.known.sites)}); "
            "expected a site's id or name, or --site ID for such rows",
        )

    def _id(self, inventory_number: str | None) -> str | None:
        if inventory_number is None:
            return None
        # fold, not layout.slugify: 'ОС-123' must not lose its letters and become '123'
        asset_id = "-".join(fold(inventory_number).split())[:64].strip("-")
        if not asset_id:
            return None
        if asset_id in self.known.ids:
            raise _LeftOut(
                self.title("inventory_number"),
                f"id {quoted(asset_id)} is already in the inventory ({self.known.ids[asset_id]})",
            )
        if asset_id in self.ids:
            raise _LeftOut(
                self.title("inventory_number"),
                f"{quoted(inventory_number)} is also on row {self.ids[asset_id]}",
            )
        return asset_id

    def _serial(self, serial: str | None) -> str | None:
        if serial is None:
            return None
        key = fold(serial)
        if not key:  # no letter or digit: nothing to compare
            return serial
        if key in self.known.serials:
            raise _LeftOut(
                self.title("serial"),
                f"{quoted(serial)} is already in the inventory ({self.known.serials[key]})",
            )
        if key in self.serials:
            raise _LeftOut(
                self.title("serial"), f"{quoted(serial)} is also on row {self.serials[key]}"
            )
        return serial


def _notes(text: dict[str, str]) -> str | None:
    parts = [
        text.get("name"),
        f"inv. no. {text['inventory_number']}" if "inventory_number" in text else None,
        f"location: {text['location']}" if "location" in text else None,
        f"status: {text['status']}" if "status" in text else None,
        text.get("notes"),
    ]
    notes = "; ".join(p for p in parts if p)
    if len(notes) > NOTES_LIMIT:
        notes = notes[: NOTES_LIMIT - 3] + "..."
    return notes or None
