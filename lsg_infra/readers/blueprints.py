"""Blueprints from YAML: `blueprints/` read, validated and cross-checked into a library.

Layout of the folder:

    blueprints/tiers.yaml              tiers by population, country -> overlay
    blueprints/requirements/**.yaml    blueprint files (base, tiers, country overlays)
    blueprints/eservices.yaml          eService ids per country
    blueprints/controls.yaml           control ids (inventories' `controls:` keys)
    blueprints/kpis.yaml               U4SSC KPI codes
    blueprints/software_support.yaml   end-of-support dates
    blueprints/catalogue.yaml          price catalogue (remedies point at its items)

`load_library` never raises for bad input: it returns every problem, one per
line, with file and line, so that `lsg validate` reports them all at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from lsg_infra.errors import InputError, Problem
from lsg_infra.gaps.equipment import EquipmentRequirement
from lsg_infra.gaps.kinds import REQUIREMENT_KINDS, AnyRequirement
from lsg_infra.model.blueprint import (
    Blueprint,
    BlueprintLibrary,
    Controls,
    EServices,
    Kpis,
    SoftwareSupport,
    Tiers,
)
from lsg_infra.model.catalogue import Billing, Catalogue
from lsg_infra.model.gap import GapKind
from lsg_infra.model.inventory import Inventory
from lsg_infra.model.requirement import RemedyRule
from lsg_infra.readers import yamlfile
from lsg_infra.readers.catalogue import CATALOGUE, load_catalogue
from lsg_infra.readers.files import display_path
from lsg_infra.readers.loader import load_validated
from lsg_infra.readers.messages import describe, did_you_mean
from lsg_infra.readers.yamlfile import Document, YamlProblem, format_path

REQUIREMENTS_DIR = "requirements"
M = TypeVar("M", bound=BaseModel)


@dataclass
class LoadedFile:
    """One validated file, with its document kept for line numbers of later checks."""

    shown: str
    doc: Document

    def problem(self, path: tuple[str | int, ...], message: str) -> Problem:
        yamlfile.reload_nodes(self.doc)
        return Problem(self.shown, self.doc.line_of(path), format_path(path), message)


@dataclass
class LibraryResult:
    library: BlueprintLibrary | None = None
    catalogue: Catalogue | None = None
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    # The file of each blueprint (by id) and of controls.yaml ("controls"): checks made after
    # loading (the law table's) point at the line a person wrote, not at their own table.
    loaded: dict[str, LoadedFile] = field(default_factory=dict)


def _requirement_error(error: ErrorDetails) -> tuple[tuple[str | int, ...], str] | None:
    """Errors inside `requirements[i]`: say them in terms of the requirement's own kind."""
    loc = tuple(error["loc"])
    if len(loc) < 2 or loc[0] != "requirements" or not isinstance(loc[1], int):
        return None
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        tag = (error.get("ctx") or {}).get("tag")
        kinds = list(REQUIREMENT_KINDS)
        if error["type"] == "union_tag_not_found" or tag is None:
            return (
                *loc,
                "kind",
            ), f"required key 'kind' is missing; expected one of: {', '.join(kinds)}"
        return (
            (*loc, "kind"),
            f"unknown requirement kind '{tag}'{did_you_mean(str(tag), kinds)}; "
            f"expected one of: {', '.join(kinds)}",
        )
    if len(loc) >= 3 and loc[2] in REQUIREMENT_KINDS:
        model = REQUIREMENT_KINDS[str(loc[2])]
        inner: ErrorDetails = {**error, "loc": loc[3:]}
        return (*loc[:2], *loc[3:]), describe(inner, model)
    return None


def _validate(path: Path, model: type[M], problems: list[Problem]) -> tuple[M, LoadedFile] | None:
    explain = _requirement_error if model is Blueprint else None
    value, doc, found = load_validated(path, model, explain)
    problems.extend(found)
    if value is None or doc is None:
        return None
    return value, LoadedFile(display_path(path), doc)


def load_library(root: Path) -> LibraryResult:
    """Every file under `root`, validated and cross-checked; never raises for bad input."""
    result = LibraryResult()
    problems = result.problems
    if not root.is_dir():
        problems.append(
            Problem(
                display_path(root),
                0,
                "",
                "no such blueprints folder; give one with --blueprints DIR or LSG_BLUEPRINTS",
            )
        )
        return result

    def one(name: str, model: type[M]) -> tuple[M, LoadedFile] | None:
        path = root / name
        result.files += 1
        if not path.is_file():
            problems.append(Problem(display_path(path), 0, "", "file is missing"))
            return None
        return _validate(path, model, problems)

    tiers = one("tiers.yaml", Tiers)
    eservices = one("eservices.yaml", EServices)
    controls = one("controls.yaml", Controls)
    kpis = one("kpis.yaml", Kpis)
    software = one("software_support.yaml", SoftwareSupport)
    result.files += 1
    catalogue, found = load_catalogue(root / CATALOGUE)  # with its duplicate-id check
    problems.extend(found)

    blueprints: dict[str, tuple[Blueprint, LoadedFile]] = {}
    folder = root / REQUIREMENTS_DIR
    paths = list(yamlfile.iter_yaml_files(folder)) if folder.is_dir() else []
    if not paths:
        problems.append(Problem(display_path(folder), 0, "", "no blueprint files found"))
    for path in paths:
        result.files += 1
        loaded = _validate(path, Blueprint, problems)
        if loaded is None:
            continue
        bp, file = loaded
        if bp.id in blueprints:
            first = blueprints[bp.id][1]
            problems.append(
                file.problem(
                    ("blueprint", "id"),
                    f"duplicate blueprint id '{bp.id}' (also in {first.shown})",
                )
            )
            continue
        blueprints[bp.id] = loaded

    if None in (tiers, eservices, controls, kpis, software, catalogue) or problems:
        # Cross-checks need every catalogue; report what we have so far.
        result.catalogue = catalogue
        if blueprints and catalogue and eservices and controls and kpis:
            problems.extend(
                _check_references(blueprints, catalogue, eservices[0], controls[0], kpis[0])
            )
        return result
    assert tiers and eservices and controls and kpis and software and catalogue  # for mypy
    problems.extend(_check_references(blueprints, catalogue, eservices[0], controls[0], kpis[0]))
    problems.extend(_check_extends(blueprints))
    problems.extend(_check_tiers(tiers, blueprints))
    if problems:
        return result
    result.catalogue = catalogue
    result.loaded = {bid: file for bid, (_, file) in blueprints.items()}
    result.loaded["controls"] = controls[1]
    result.library = BlueprintLibrary(
        blueprints={bid: bp for bid, (bp, _) in sorted(blueprints.items())},
        tiers=tiers[0],
        software=software[0],
        eservices=eservices[0].eservices,
        controls=controls[0].controls,
        kpis=kpis[0].kpis,
    )
    return result


def _check_references(
    blueprints: dict[str, tuple[Blueprint, LoadedFile]],
    catalogue: Catalogue,
    eservices: EServices,
    controls: Controls,
    kpis: Kpis,
) -> list[Problem]:
    """Remedies, eServices, controls and KPIs named by requirements must exist."""
    problems: list[Problem] = []
    items = [i.id for i in catalogue.items]
    services = {e.id: e for e in eservices.eservices}
    control_ids = [c.id for c in controls.controls]
    kpi_codes = [k.code for k in kpis.kpis]
    for bp, file in blueprints.values():
        seen: set[str] = set()
        for i, req in enumerate(bp.requirements):
            at: tuple[str | int, ...] = ("requirements", i)
            if req.id in seen:
                problems.append(file.problem((*at, "id"), f"duplicate requirement id '{req.id}'"))
            seen.add(req.id)
            if not req.references:
                # A requirement is only as strong as its source: a planner must be able to
                # tell a legal duty from a programme norm before spending money on it.
                problems.append(
                    file.problem(
                        (*at, "references"),
                        f"requirement '{req.id}' has no references; expected the law (with its "
                        "article), norm or programme baseline it comes from",
                    )
                )
            for j, remedy in enumerate(req.remedy):
                if remedy.item not in catalogue:
                    problems.append(
                        file.problem(
                            (*at, "remedy", j, "item"),
                            f"unknown catalogue item '{remedy.item}'"
                            f"{did_you_mean(remedy.item, items)}",
                        )
                    )
                elif (why := _lifetime_disagrees(req, remedy, catalogue)) is not None:
                    problems.append(file.problem((*at, "remedy", j, "item"), why))
                elif _counts_months(remedy.per_unit, remedy.fixed, catalogue, remedy.item):
                    problems.append(
                        file.problem(
                            (*at, "remedy", j),
                            f"catalogue item '{remedy.item}' is billed monthly and the plan "
                            "already makes its price yearly (x12): a remedy counts what is "
                            "bought (subscriptions, links), not months; expected e.g. fixed: 1",
                        )
                    )
            for j, code in enumerate(req.kpis):
                if code not in kpi_codes:
                    problems.append(
                        file.problem(
                            (*at, "kpis", j),
                            f"unknown U4SSC KPI '{code}'{did_you_mean(code, kpi_codes)}",
                        )
                    )
            service = getattr(req, "service", None)
            if service is not None:
                known = services.get(service)
                if known is None:
                    problems.append(
                        file.problem(
                            (*at, "service"),
                            f"unknown eService '{service}'{did_you_mean(service, services)}",
                        )
                    )
                elif bp.blueprint.country not in (None, known.country):
                    problems.append(
                        file.problem(
                            (*at, "service"),
                            f"eService '{service}' is of {known.country}, "
                            f"not {bp.blueprint.country}",
                        )
                    )
            control = getattr(req, "control", None)
            if control is not None and control not in control_ids:
                problems.append(
                    file.problem(
                        (*at, "control"),
                        f"unknown control '{control}'{did_you_mean(control, control_ids)}",
                    )
                )
    return problems


def remedy_problems(blueprints: Iterable[Blueprint], catalogue: Catalogue) -> list[tuple[str, str]]:
    """(item id, what is wrong) for remedies that `catalogue`'s items no longer fit.

    For a user's own catalogue (`lsg plan --catalogue`), which the blueprints were not
    validated against: a lifetime that differs from the obsolescence age, a monthly item
    that remedies count in months.
    """
    out: list[tuple[str, str]] = []
    for bp in blueprints:
        for req in bp.requirements:
            for remedy in req.remedy:
                if remedy.item not in catalogue:
                    continue
                why = _lifetime_disagrees(req, remedy, catalogue)
                if why is None and _counts_months(
                    remedy.per_unit, remedy.fixed, catalogue, remedy.item
                ):
                    why = (
                        f"catalogue item '{remedy.item}' is billed monthly, but requirement "
                        f"'{req.id}' asks for "
                        f"{remedy.fixed or remedy.per_unit} of it (months, not subscriptions); "
                        "expected billing as the bundled catalogue has it"
                    )
                if why is not None:
                    out.append((remedy.item, why))
    return sorted(set(out))


def _lifetime_disagrees(
    req: AnyRequirement, remedy: RemedyRule, catalogue: Catalogue
) -> str | None:
    """A replacement's catalogue lifetime must be the age the requirement calls obsolete.

    Otherwise the plan would replace equipment at one age and price its total cost of
    ownership at another, silently.
    """
    if not isinstance(req, EquipmentRequirement) or req.max_age_years is None:
        return None
    if remedy.when is not None or (remedy.kinds and GapKind.OBSOLETE not in remedy.kinds):
        return None
    item = catalogue.item(remedy.item)
    if item.billing is not Billing.ONE_OFF or remedy.per_unit <= 0:
        return None
    if item.lifetime_years == req.max_age_years:
        return None
    return (
        f"requirement '{req.id}' calls a {req.unit} obsolete after {req.max_age_years} "
        f"years, but catalogue item '{item.id}' that replaces it lasts "
        f"{item.lifetime_years} (lifetime_years); expected the same number in both"
    )


def _counts_months(per_unit: Decimal, fixed: Decimal, catalogue: Catalogue, item: str) -> bool:
    """A remedy asking for 12 (24...) of a monthly item counts months: the x12 error."""
    if catalogue.item(item).billing is not Billing.MONTHLY:
        return False
    return any(n >= 12 and n % 12 == 0 for n in (per_unit, fixed))


def _check_extends(blueprints: dict[str, tuple[Blueprint, LoadedFile]]) -> list[Problem]:
    """Parents exist, `extends` has no cycle, `remove` names an inherited requirement."""
    problems: list[Problem] = []
    for bp, file in blueprints.values():
        for j, parent in enumerate(bp.blueprint.extends):
            if parent not in blueprints:
                problems.append(
                    file.problem(
                        ("blueprint", "extends", j),
                        f"unknown blueprint '{parent}'{did_you_mean(parent, blueprints)}",
                    )
                )
    if problems:
        return problems
    reported: set[frozenset[str]] = set()
    for bid, (_bp, file) in sorted(blueprints.items()):
        cycle = _find_cycle(bid, lambda b: blueprints[b][0].blueprint.extends)
        if cycle and frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            problems.append(
                file.problem(
                    ("blueprint", "extends"),
                    f"'extends' forms a cycle: {' -> '.join(cycle)}",
                )
            )
    if problems:
        return problems
    for bid, (bp, file) in blueprints.items():
        inherited = _inherited_ids(bid, blueprints)
        for j, gone in enumerate(bp.remove):
            if gone not in inherited:
                problems.append(
                    file.problem(
                        ("remove", j),
                        f"'{gone}' is not a requirement of a parent blueprint"
                        f"{did_you_mean(gone, inherited)}",
                    )
                )
    return problems


def _find_cycle(start: str, parents: Callable[[str], tuple[str, ...]]) -> list[str] | None:
    """The cycle through `start`, e.g. ['a', 'b', 'a'], or None."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for parent in parents(node):
            if parent == start:
                return [*path, start]
            if parent not in seen:
                seen.add(parent)
                stack.append((parent, [*path, parent]))
    return None


def _inherited_ids(bid: str, blueprints: dict[str, tuple[Blueprint, LoadedFile]]) -> set[str]:
    ids: set[str] = set()
    todo = list(blueprints[bid][0].blueprint.extends)
    seen: set[str] = set()
    while todo:
        parent = todo.pop()
        if parent in seen:
            continue
        seen.add(parent)
        bp = blueprints[parent][0]
        ids.update(r.id for r in bp.requirements)
        todo.extend(bp.blueprint.extends)
    return ids


def _check_tiers(tiers: tuple[Tiers, LoadedFile], blueprints: dict[str, Any]) -> list[Problem]:
    model, file = tiers
    problems: list[Problem] = []
    for i, tier in enumerate(model.tiers):
        if tier.blueprint not in blueprints:
            problems.append(
                file.problem(
                    ("tiers", i, "blueprint"),
                    f"unknown blueprint '{tier.blueprint}'"
                    f"{did_you_mean(tier.blueprint, blueprints)}",
                )
            )
    for country, overlay in model.overlays.items():
        if overlay not in blueprints:
            problems.append(
                file.problem(
                    ("overlays", country),
                    f"unknown blueprint '{overlay}'{did_you_mean(overlay, blueprints)}",
                )
            )
        elif blueprints[overlay][0].blueprint.country != country:
            problems.append(
                file.problem(
                    ("overlays", country),
                    f"blueprint '{overlay}' is not marked `country: {country}`",
                )
            )
    return problems


def require_library(root: Path) -> BlueprintLibrary:
    """The library, or InputError with every problem."""
    result = load_library(root)
    if result.problems or result.library is None:
        raise InputError(result.problems)
    return result.library


def check_inventory(inventory: Inventory, library: BlueprintLibrary) -> list[Problem]:
    """An inventory's tier, eService ids and control ids must be known to the blueprints."""
    problems: list[Problem] = []
    m = inventory.municipality
    src = m.source
    shown = src.file if src else inventory.id
    tier_ids = [t.id for t in library.tiers.tiers]
    if m.tier is not None and m.tier not in tier_ids:
        problems.append(
            Problem(
                shown,
                src.line if src else 0,
                "municipality.tier",
                f"unknown tier '{m.tier}'{did_you_mean(m.tier, tier_ids)}; "
                f"expected one of: {', '.join(tier_ids)}",
            )
        )
    services = {e.id: e for e in library.eservices}
    bad_services: list[tuple[int, str]] = []
    for i, service in enumerate(inventory.services):
        known = services.get(service)
        if known is None:
            bad_services.append(
                (i, f"unknown eService '{service}'{did_you_mean(service, services)}")
            )
        elif known.country != m.country:
            bad_services.append((i, f"eService '{service}' is of {known.country}, not {m.country}"))
    if bad_services:
        services_doc = _reread(shown)
        for i, message in bad_services:
            line = services_doc.line_of(("services", i)) if services_doc else 0
            problems.append(Problem(shown, line, f"services[{i}]", message))
    control_ids = [c.id for c in library.controls]
    unknown = [key for key in inventory.controls if key not in control_ids]
    doc = _reread(shown) if unknown else None
    for key in unknown:
        line = doc.line_of(("controls", key)) if doc else 0
        problems.append(
            Problem(
                shown,
                line,
                f"controls.{key}",
                f"unknown control '{key}'{did_you_mean(key, control_ids)}",
            )
        )
    return problems


def _reread(shown: str) -> Document | None:
    """The inventory file again, only to find the line of a list item on an error."""
    try:
        return yamlfile.reload_nodes(yamlfile.load(Path(shown), shown))
    except (YamlProblem, OSError):
        return None
