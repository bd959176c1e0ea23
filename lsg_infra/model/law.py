"""The law table and the legal basis of a plan on its reference date.

Blueprint requirements cite laws as free text ("Law on Information Security, Sl. glasnik
RS 91/2025, art. 10"). The law table (blueprints/reference/laws.csv) lists each law with
its gazette numbers, the date it came into force and, where replaced, by which law and
from when. Matching a citation to the table by gazette number tells, for any plan date,
whether each cited law is in force, already replaced or not yet in force: a plan dated
2015 must not rest on a law of 2025, and a plan dated 2027 must not rest on one replaced
in 2026. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

# How each country's gazette appears in a citation. A citation naming none of these
# is not a citation of a law in the table (ISO norms, guidelines, strategies).
GAZETTE_MARKERS: Mapping[str, tuple[str, ...]] = {
    "RS": ("Sl. glasnik RS", "Službeni glasnik RS", "Službeni glasnik Republike Srbije"),
    "ME": ("Sl. list CG", "Službeni list CG", "Službeni list Crne Gore"),
    "MK": ("Службен весник", "Sl. vesnik", "Official Gazette of RNM", "Sluzhben vesnik"),
}


class Law(BaseModel):
    """One law (or decree) of the law table, with its gazette numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z]{2}-[a-z0-9-]+$")
    country: str = Field(pattern=r"^(RS|ME|MK)$")
    title_local: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    gazette: str = Field(min_length=1)
    numbers: tuple[str, ...] = Field(
        min_length=1, description="Gazette issue/year of the text and its amendments."
    )
    in_force_from: dt.date
    superseded_by: str | None = None
    superseded_from: dt.date | None = None
    source: str = ""
    notes: str = Field(default="", description="What could not be confirmed, and why.")

    @model_validator(mode="after")
    def _consistent(self) -> Law:
        for number in self.numbers:
            if not re.fullmatch(r"\d{1,4}/(19|20)\d\d", number):
                raise ValueError(f"numbers: '{number}' is not issue/year such as 91/2025")
        if (self.superseded_by is None) != (self.superseded_from is None):
            raise ValueError("superseded_by and superseded_from go together")
        if self.superseded_from is not None and self.superseded_from <= self.in_force_from:
            raise ValueError("superseded_from must be after in_force_from")
        return self

    def cited_in(self, reference: str) -> bool:
        """Whether `reference` cites this law by one of its gazette numbers, written
        with the full or the two-digit year.

        >>> law = Law(id="rs-x", country="RS", title_local="Z", title_en="L",
        ...           gazette="Sl. glasnik RS", numbers=("6/2016", "94/2017"),
        ...           in_force_from=dt.date(2016, 2, 5))
        >>> law.cited_in("Law (Sl. glasnik RS 6/16, 94/17), art. 7")
        True
        >>> law.cited_in("Sl. glasnik RS 106/2016")
        False
        >>> law.cited_in("Sl. list CG 6/2016")
        False
        """
        if not any(marker in reference for marker in GAZETTE_MARKERS[self.country]):
            return False
        for number in self.numbers:
            issue, year = number.split("/")
            if re.search(rf"(?<![\d/]){issue}/(?:{year}|{year[2:]})(?!\d)", reference):
                return True
        return False

    def status_on(self, day: dt.date) -> LegalStatus:
        if day < self.in_force_from:
            return LegalStatus.NOT_YET_IN_FORCE
        if self.superseded_from is not None and day >= self.superseded_from:
            return LegalStatus.SUPERSEDED
        return LegalStatus.IN_FORCE


class LegalStatus(StrEnum):
    IN_FORCE = "in force"
    SUPERSEDED = "superseded"
    NOT_YET_IN_FORCE = "not yet in force"


class LegalBasis(BaseModel):
    """One law a plan rests on, with its status on the plan's reference date."""

    model_config = ConfigDict(frozen=True)
    law: str = Field(description="Law id in the law table.")
    country: str
    title: str = Field(description="Title in the country's language.")
    title_en: str
    gazette: str = Field(description="Gazette and numbers, e.g. 'Sl. glasnik RS 91/2025'.")
    in_force_from: dt.date
    status: LegalStatus = Field(description="On the plan's reference date.")
    superseded_by: str | None = None
    superseded_from: dt.date | None = None
    unconfirmed: str = Field(default="", description="What the table could not confirm.")
    requirements: list[str] = Field(description="Requirements that cite this law.")

    def warning(self, day: dt.date) -> str | None:
        """One line for the planner when the law is not the one in force on `day`."""
        cited = ", ".join(self.requirements)
        if self.status is LegalStatus.SUPERSEDED:
            return (
                f"{cited}: cites {self.gazette} ({self.title_en}), replaced by "
                f"{self.superseded_by} from {self.superseded_from}; the plan date is {day}"
            )
        if self.status is LegalStatus.NOT_YET_IN_FORCE:
            return (
                f"{cited}: cites {self.gazette} ({self.title_en}), in force only from "
                f"{self.in_force_from}; the plan date is {day}"
            )
        return None


def legal_basis(
    laws: Sequence[Law], citations: Iterable[tuple[str, Iterable[str]]], day: dt.date
) -> list[LegalBasis]:
    """The laws that `citations` ((requirement id, its references) pairs) rest on, each
    with its status on `day`, in the order of the law table."""
    cited_by: dict[str, set[str]] = {}
    for requirement, references in citations:
        for reference in references:
            for law in laws:
                if law.cited_in(reference):
                    cited_by.setdefault(law.id, set()).add(requirement)
    return [
        LegalBasis(
            law=law.id,
            country=law.country,
            title=law.title_local,
            title_en=law.title_en,
            gazette=f"{law.gazette} {', '.join(law.numbers)}",
            in_force_from=law.in_force_from,
            status=law.status_on(day),
            superseded_by=law.superseded_by,
            superseded_from=law.superseded_from,
            unconfirmed=law.notes,
            requirements=sorted(cited_by[law.id]),
        )
        for law in laws
        if law.id in cited_by
    ]


def uncited_gazette_references(
    laws: Sequence[Law], citations: Iterable[tuple[str, Iterable[str]]]
) -> list[tuple[str, str]]:
    """(requirement, reference) pairs that name a gazette but no law of the table: the
    table cannot say whether that law is in force, so it should be added."""
    out = []
    for requirement, references in citations:
        for reference in references:
            names_gazette = any(m in reference for ms in GAZETTE_MARKERS.values() for m in ms)
            if names_gazette and not any(law.cited_in(reference) for law in laws):
                out.append((requirement, reference))
    return out
