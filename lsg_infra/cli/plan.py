"""`lsg plan`: validate -> gaps -> costing -> outputs, with a short summary table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer

from lsg_infra import api
from lsg_infra.cli import output
from lsg_infra.cli.blueprint import BlueprintsOpt, required_root
from lsg_infra.cli.main_options import InventoryOpt, inventory_paths
from lsg_infra.errors import UsageError
from lsg_infra.pipeline import build, parse_years
from lsg_infra.reports import write_all
from lsg_infra.reports.views import rollups
from lsg_infra.sources.files import inventory_files


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)


def _budget(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise UsageError(f"--budget {text!r}: expected an amount in EUR, like 1500000") from None
    if value < 0 or not value.is_finite():
        raise UsageError(f"--budget {text!r}: expected a positive amount in EUR")
    return value


def plan(
    lsgs: Annotated[list[str] | None, typer.Argument(help="LSG ids or slugs; default all.")] = None,
    inventory: InventoryOpt = None,
    blueprints: BlueprintsOpt = None,
    catalogue: Annotated[
        Path | None,
        typer.Option("--catalogue", "-c", help="Your own price catalogue; replaces items by id."),
    ] = None,
    budget: Annotated[
        str | None, typer.Option("--budget", help="Budget in EUR incl. VAT over all the years.")
    ] = None,
    years: Annotated[
        str | None,
        typer.Option("--years", help="Budget years, e.g. 2027-2029. Default: the next 3 years."),
    ] = None,
    horizon: Annotated[
        int, typer.Option("--tco-years", min=1, max=30, help="Years of total cost of ownership.")
    ] = 5,
    today: Annotated[
        str | None,
        typer.Option("--date", help="Reference date of the analysis (YYYY-MM-DD). Default today."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("out"),
) -> None:
    """Build the costed investment plan and write plan.json, CSV, XLSX and HTML to --out."""
    try:
        day = dt.date.fromisoformat(today) if today else dt.date.today()
    except ValueError:
        raise UsageError(f"--date {today!r}: expected YYYY-MM-DD") from None
    budget_years = parse_years(years) if years else [day.year + 1, day.year + 2, day.year + 3]
    amount = _budget(budget)
    targets = inventory_paths(inventory)
    # Discovered facts (lsg discover) replace what a person wrote: the plan works on facts.
    files = inventory_files(targets) if not lsgs else []
    with output.progress_bar("Reading inventories", len(files)) as advance:
        inventories, differences = api.load_inventories_with_discovered(
            targets, only=lsgs or [], progress=advance
        )
    with output.progress_bar("Analysing gaps", len(inventories)) as advance:
        result = build(
            inventories,
            blueprints_dir=required_root(blueprints),
            today=day,
            years=budget_years,
            horizon_years=horizon,
            budget_gross_eur=amount,
            catalogue_override=catalogue,
            progress=advance,
        )
    paths = write_all(result, out)

    def eur(value: Decimal) -> str:
        return f"{value:,.0f}"

    countries = rollups(result, "country")
    programme = rollups(result, "programme")[0]
    output.print_table(
        f"Investment plan {budget_years[0]}-{budget_years[-1]} (EUR incl. VAT; "
        f"TCO over {horizon} years)",
        ["scope", "LSGs", "gaps", "CAPEX", "OPEX / year", "TCO", "unfunded"],
        [
            *(
                [
                    r.name,
                    sum(1 for x in rollups(result, "lsg") if x.country == r.key),
                    r.gaps,
                    eur(r.totals.capex_gross_eur),
                    eur(r.totals.opex_gross_eur_per_year),
                    eur(r.totals.tco_gross_eur),
                    eur(r.totals.unfunded_gross_eur),
                ]
                for r in countries
            ),
            [
                "Programme",
                len(inventories),
                programme.gaps,
                eur(programme.totals.capex_gross_eur),
                eur(programme.totals.opex_gross_eur_per_year),
                eur(programme.totals.tco_gross_eur),
                eur(programme.totals.unfunded_gross_eur),
            ],
        ],
        right=["LSGs", "gaps", "CAPEX", "OPEX / year", "TCO", "unfunded"],
    )
    if differences:
        output.error(
            f"{len(differences)} discovered value(s) differ from the inventory files and were "
            "used instead (lsg inventory show ID lists them)"
        )
    output.error("wrote " + ", ".join(str(p) for p in paths))
