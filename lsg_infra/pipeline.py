"""The main job, wired in one place: inventories -> gaps -> costing -> plan.

`build` reads files (inventories, blueprints, catalogue, rates) and returns a
`Plan`; writing the outputs is the caller's choice (`lsg_infra.reports.write_all`).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

from lsg_infra import gaps as gap_analysis
from lsg_infra.costing import LsgInfo, build_plan
from lsg_infra.errors import InputError, Problem
from lsg_infra.gaps import Assessment
from lsg_infra.model.blueprint import BlueprintLibrary
from lsg_infra.model.catalogue import Catalogue
from lsg_infra.model.inventory import Inventory
from lsg_infra.model.law import legal_basis
from lsg_infra.model.plan import Plan
from lsg_infra.readers import blueprints as blueprint_files
from lsg_infra.readers import laws as law_table
from lsg_infra.readers.catalogue import load_rates, with_override

COUNTRIES = "countries.yaml"
CPV_CODES = Path("reference") / "cpv_codes.csv"


def cpv_names(blueprints_dir: Path) -> dict[str, str]:
    path = blueprints_dir / CPV_CODES
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row["description_en"] for row in csv.DictReader(fh)}


def assess_all(
    inventories: Sequence[Inventory],
    library: BlueprintLibrary,
    today: dt.date,
    progress: Callable[[], None] | None = None,
) -> list[Assessment]:
    """Gaps and compliance of each inventory against its resolved blueprint.

    Raises InputError when an inventory names a tier, eService or control the
    blueprints do not know.
    """
    problems = [p for inv in inventories for p in blueprint_files.check_inventory(inv, library)]
    if problems:
        raise InputError(problems)
    out = []
    for inventory in inventories:
        m = inventory.municipality
        blueprint = library.for_inventory(m.tier, m.population, m.country)
        out.append(gap_analysis.assess(inventory, blueprint, today))
        if progress is not None:
            progress()
    return out


def build(
    inventories: Sequence[Inventory],
    *,
    blueprints_dir: Path,
    today: dt.date,
    years: Sequence[int],
    horizon_years: int = 5,
    budget_gross_eur: Decimal | None = None,
    catalogue_override: Path | None = None,
    progress: Callable[[], None] | None = None,
) -> Plan:
    """The investment plan for `inventories` (already loaded and valid)."""
    loaded = blueprint_files.load_library(blueprints_dir)
    if loaded.problems or loaded.library is None or loaded.catalogue is None:
        raise InputError(loaded.problems)
    library = loaded.library
    # the blueprint loader has read catalogue.yaml already (remedies name its items)
    catalogue: Catalogue | None = loaded.catalogue
    catalogue_problems: list[Problem] = []
    if catalogue_override is not None:
        catalogue, catalogue_problems = with_override(
            loaded.catalogue,
            catalogue_override,
            lambda merged: blueprint_files.remedy_problems(library.blueprints.values(), merged),
        )
    rates, rate_problems = load_rates(blueprints_dir / COUNTRIES)
    if catalogue_problems or rate_problems or catalogue is None or rates is None:
        raise InputError(catalogue_problems + rate_problems)
    assessments = assess_all(inventories, library, today, progress)
    all_gaps = [gap for a in assessments for gap in a.gaps]
    compliance = {a.lsg: Decimal(str(a.compliance.score)) for a in assessments}
    lsgs = {
        inv.id: LsgInfo(
            inv.id,
            inv.municipality.name,
            inv.municipality.country,
            inv.municipality.district,
            population=inv.municipality.population,
            employees=inv.municipality.employees,
            annual_it_budget_eur=(
                Decimal(str(inv.municipality.annual_it_budget_eur))
                if inv.municipality.annual_it_budget_eur is not None
                else None
            ),
        )
        for inv in inventories
    }
    laws, law_problems = law_table.load(blueprints_dir)
    if law_problems:
        raise InputError(law_problems)
    # A CostingError (an item the catalogue lacks) reaches the user as a one-line error.
    result = build_plan(
        all_gaps,
        lsgs,
        catalogue,
        rates,
        today=today,
        years=years,
        horizon_years=horizon_years,
        budget_gross_eur=budget_gross_eur,
        cpv_names=cpv_names(blueprints_dir),
        compliance_pct=compliance,
    )
    # The legal basis is that of the whole assessment, not of the costed lines only: every
    # requirement that applies to an LSG was checked against its laws, and a planner reading
    # "these laws" expects a duty already met (or whose gap costs nothing) to be among them.
    cited = (
        (requirement.id, requirement.references)
        for inv in inventories
        for requirement in library.for_inventory(
            inv.municipality.tier, inv.municipality.population, inv.municipality.country
        ).requirements
    )
    return result.model_copy(update={"legal_basis": legal_basis(laws, cited, today)})
