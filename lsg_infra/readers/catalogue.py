"""The price catalogue and the country rates, from YAML files under blueprints/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from lsg_infra.errors import Problem
from lsg_infra.model.catalogue import Catalogue
from lsg_infra.model.plan import CountryRates
from lsg_infra.readers.files import display_path
from lsg_infra.readers.loader import load_validated

CATALOGUE = "catalogue.yaml"
"""The price catalogue's file name in a blueprints folder."""


class CountriesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    countries: dict[str, CountryRates]


def _duplicate_ids(
    catalogue: Catalogue, path: Path, lines: dict[tuple[str | int, ...], int]
) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, item in enumerate(catalogue.items):
        if item.id in seen:
            problems.append(
                Problem(
                    display_path(path),
                    lines.get(("items", i), 0),
                    f"items[{i}].id",
                    f"duplicate item id '{item.id}' "
                    f"(first at line {lines.get(('items', seen[item.id]), 0)})",
                )
            )
        else:
            seen[item.id] = i
    return problems


def load_catalogue(path: Path) -> tuple[Catalogue | None, list[Problem]]:
    """The catalogue at `path`, checked for duplicate item ids."""
    catalogue, doc, problems = load_validated(path, Catalogue)
    if catalogue is not None and doc is not None:
        problems += _duplicate_ids(catalogue, path, doc.lines)
    return (catalogue if not problems else None), problems


def with_override(
    catalogue: Catalogue,
    override: Path,
    check: Callable[[Catalogue], list[tuple[str, str]]] | None = None,
) -> tuple[Catalogue | None, list[Problem]]:
    """`catalogue` with the items of a user's catalogue file replacing its own by id.

    `check` finds what is wrong with the merged catalogue as (item id, message); the
    problems of the user's own items are reported at their lines in the file.
    """
    own, own_doc, problems = load_validated(override, Catalogue)
    if own is None or own_doc is None:
        return None, problems
    problems = _duplicate_ids(own, override, own_doc.lines)
    if problems:
        return None, problems
    merged = catalogue.merged(own)
    if check is not None:
        index = {item.id: i for i, item in enumerate(own.items)}
        for item_id, message in check(merged):
            if item_id in index:
                i = index[item_id]
                line = own_doc.lines.get(("items", i), 0)
                where = f"items[{i}]"
                problems.append(Problem(display_path(override), line, where, message))
    return (merged if not problems else None), problems


def load_rates(path: Path) -> tuple[dict[str, CountryRates] | None, list[Problem]]:
    data, _doc, problems = load_validated(path, CountriesFile)
    if data is None:
        return None, problems
    unknown = sorted(set(data.countries) - {"RS", "ME", "MK"})
    if unknown:
        return None, [
            Problem(
                display_path(path),
                0,
                "countries",
                f"unknown country code(s): {', '.join(unknown)}; expected RS, ME, MK",
            )
        ]
    return data.countries, []
