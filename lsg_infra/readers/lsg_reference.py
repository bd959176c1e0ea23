"""The LSG reference list (blueprints/reference/lsgs.csv): every LSG of the three
countries with its census population and the source of that figure.

`lsg sample generate` takes real names and populations from it, and `lsg validate`
warns when an inventory's population is far from the census figure.

>>> row = "rs-kikinda,RS,Kikinda,Кикинда,city,North Banat,49326,2022,RZS"
>>> rows = parse(",".join(COLUMNS) + "\\n" + row)
>>> rows["rs-kikinda"].population, rows["rs-kikinda"].district
(49326, 'North Banat')
"""

from __future__ import annotations

import contextlib
import csv
from dataclasses import dataclass
from pathlib import Path

from lsg_infra.errors import Problem
from lsg_infra.model.inventory import Inventory

FILE = Path("reference") / "lsgs.csv"
COLUMNS = ("id", "country", "name", "name_local", "type", "district", "population",
           "census_year", "source")  # fmt: skip
WARN_SHARE = 0.10
"""An inventory population more than 10 % from the census figure is worth a second look."""


@dataclass(frozen=True, slots=True)
class ReferenceLsg:
    id: str
    country: str
    name: str
    name_local: str
    type: str
    district: str | None
    population: int | None
    census_year: int | None
    source: str

    @property
    def slug(self) -> str:
        return self.id.split("-", 1)[1]


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def parse(text: str) -> dict[str, ReferenceLsg]:
    """The rows of lsgs.csv by id, in file order."""
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ValueError(f"lsgs.csv lacks the columns {', '.join(missing)}")
    out: dict[str, ReferenceLsg] = {}
    for row in reader:
        out[row["id"]] = ReferenceLsg(
            id=row["id"],
            country=row["country"],
            name=row["name"],
            name_local=row["name_local"],
            type=row["type"],
            district=row["district"] or None,
            population=_int(row["population"]),
            census_year=_int(row["census_year"]),
            source=row["source"],
        )
    return out


def load(path: Path) -> dict[str, ReferenceLsg]:
    return parse(path.read_text("utf-8"))


def find(blueprint_root: Path | None) -> Path | None:
    """lsgs.csv of the blueprints in use, else lsg-infra's own; None when neither has one."""
    from lsg_infra import bundled
    from lsg_infra.errors import UsageError

    candidates = [blueprint_root / FILE] if blueprint_root is not None else []
    with contextlib.suppress(UsageError):  # no bundled blueprints: only the given folder
        candidates.append(bundled.blueprints() / FILE)
    return next((p for p in candidates if p.is_file()), None)


def population_warnings(
    inventories: list[Inventory], reference: dict[str, ReferenceLsg]
) -> list[Problem]:
    """One warning per inventory whose population is more than 10 % from the census figure."""
    warnings: list[Problem] = []
    for inventory in inventories:
        m = inventory.municipality
        known = reference.get(m.id)
        if known is None or not known.population:
            continue
        share = abs(m.population - known.population) / known.population
        if share <= WARN_SHARE:
            continue
        src = m.source
        census = f"{known.census_year} census" if known.census_year else "reference list"
        warnings.append(
            Problem(
                src.file if src else inventory.id,
                src.line if src else 0,
                "municipality.population",
                f"{m.name} has population {m.population:,} but the {census} gives "
                f"{known.population:,} ({share:.0%} apart; {known.source}); "
                "check the figure, it sets the blueprint tier",
            )
        )
    return warnings
