"""The law table (blueprints/reference/laws.csv): every law the blueprints cite, with its
gazette numbers, the date it came into force and what replaced it.

A blueprint folder without the table (a user's own, trimmed) gives an empty table: the
plan then lists no legal basis rather than failing.

>>> text = ("id,country,title_local,title_en,gazette,numbers,in_force_from,"
...         "superseded_by,superseded_from,source,notes\\n"
...         "rs-x,RS,Zakon,Law,Sl. glasnik RS,6/2016 94/2017,2016-02-05,,,gazette,\\n")
>>> laws, problems = parse(text, "laws.csv")
>>> laws[0].numbers, problems
(('6/2016', '94/2017'), [])
>>> parse(text.replace("2016-02-05", "5.2.2016"), "laws.csv")[1][0].line
2
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from lsg_infra.errors import Problem
from lsg_infra.model.law import Law, legal_basis, uncited_gazette_references
from lsg_infra.readers.blueprints import LibraryResult, LoadedFile

FILE = Path("reference") / "laws.csv"
COLUMNS = ("id", "country", "title_local", "title_en", "gazette", "numbers",
           "in_force_from", "superseded_by", "superseded_from", "source", "notes")  # fmt: skip


def parse(text: str, name: str) -> tuple[list[Law], list[Problem]]:
    """The laws of the table and one problem per bad row (file, line, field, message)."""
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        return [], [Problem(name, 1, "", f"lacks the column(s) {', '.join(missing)}")]
    laws: list[Law] = []
    problems: list[Problem] = []
    ids: set[str] = set()
    for row in reader:
        line = reader.line_num
        ids.add(row["id"])
        try:
            law = Law(
                id=row["id"],
                country=row["country"],
                title_local=row["title_local"],
                title_en=row["title_en"],
                gazette=row["gazette"],
                numbers=tuple(row["numbers"].split()),
                in_force_from=row["in_force_from"],
                superseded_by=row["superseded_by"] or None,
                superseded_from=row["superseded_from"] or None,
                source=row["source"] or "",
                notes=row["notes"] or "",
            )
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"] if not isinstance(p, int))
                problems.append(Problem(name, line, where, err["msg"]))
            continue
        laws.append(law)
    for law in laws:
        if law.superseded_by is not None and law.superseded_by not in ids:
            problems.append(
                Problem(name, 0, law.id, f"superseded_by '{law.superseded_by}' is not in the table")
            )
    return laws, problems


def load(blueprint_root: Path) -> tuple[list[Law], list[Problem]]:
    """The law table of `blueprint_root`; empty when the folder has none."""
    path = blueprint_root / FILE
    if not path.is_file():
        return [], []
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        return [], [
            Problem(str(path), 0, "", f"not UTF-8 text (byte {exc.start}); save it as UTF-8")
        ]
    except OSError as exc:
        return [], [Problem(str(path), 0, "", f"cannot read: {exc.strerror or exc}")]
    return parse(text, str(path))


def citation_warnings(laws: Sequence[Law], loaded: LibraryResult, day: dt.date) -> list[Problem]:
    """Warnings for `lsg validate`: a requirement or control citing a law that is not in force
    on `day`, or naming a gazette the law table does not know (then no plan can tell whether
    that law is in force). Each warning points at the file and line of the reference itself,
    one per place that cites, since that line is what the person has to change."""
    library = loaded.library
    if library is None:
        return []
    places: list[tuple[LoadedFile, tuple[str | int, ...], str, str]] = []
    for bp in library.blueprints.values():
        for i, req in enumerate(bp.requirements):
            places += [
                (
                    loaded.loaded[bp.id],
                    ("requirements", i, "references", k),
                    f"{bp.id}: {req.id}",
                    ref,
                )
                for k, ref in enumerate(req.references)
            ]
    for i, control in enumerate(library.controls):
        places += [
            (
                loaded.loaded["controls"],
                ("controls", i, "references", k),
                f"controls: {control.id}",
                ref,
            )
            for k, ref in enumerate(control.references)
        ]
    warnings: list[Problem] = []
    for file, path, who, reference in places:
        cited = [(who, [reference])]
        warnings += [
            file.problem(path, warning)
            for basis in legal_basis(laws, cited, day)
            if (warning := basis.warning(day)) is not None
        ]
        if uncited_gazette_references(laws, cited):
            warnings.append(
                file.problem(
                    path,
                    f"{who}: '{reference}' names a gazette but no law of the table; add the law "
                    "so that plans can tell whether it is in force",
                )
            )
    return warnings
