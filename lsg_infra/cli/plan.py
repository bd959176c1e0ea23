"""`lsg plan`: validate -> gaps -> costing -> outputs, with a short summary table."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from lsg_infra import api
from lsg_infra.cli import output
from lsg_infra.cli.blueprint import BlueprintsOpt, required_root
from lsg_infra.cli.main_options import (
    AllowEmptyOpt,
    InventoryOpt,
    RowsFormatOpt,
    inventory_paths,
    reference_day,
)
from lsg_infra.cli.output import Format
from lsg_infra.errors import UsageError
from lsg_infra.textsafe import printable, quoted


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)


def parse_years(text: str) -> list[int]:
    """'2027-2029' -> [2027, 2028, 2029]; '2027' -> [2027].

    >>> parse_years("2027-2029")
    [2027, 2028, 2029]
    """
    try:
        first, _, last = text.partition("-")
        start, end = int(first), int(last or first)
    except ValueError:
        raise UsageError(f"--years {text!r}: expected a year or a range like 2027-2029") from None
    if not 2000 <= start <= end <= 2100 or end - start > 20:
        raise UsageError(f"--years {text!r}: expected a range of at most 20 years, like 2027-2029")
    return list(range(start, end + 1))


def report_language_option(text: str, *, from_environment: bool = False) -> str:
    """--language (or $LSG_LANGUAGE) as api.REPORT_LANGUAGES spells it; UsageError otherwise.

    >>> report_language_option("sr_latn")
    'sr-Latn'
    """
    code = api.report_language(text)
    if code is None:
        given = f"LSG_LANGUAGE={quoted(text)}" if from_environment else f"--language {quoted(text)}"
        raise UsageError(
            f"{given}: not a language of the report; "
            f"expected one of {', '.join(api.REPORT_LANGUAGES)}"
        )
    return code


def _language_callback(ctx: typer.Context, param: typer.CallbackParam, value: str) -> str:
    # While the options are parsed, so that a wrong language stops the run before the work.
    # The source's enum is the click that typer uses (its own copy in recent typers): by name.
    source = ctx.get_parameter_source(param.name) if param.name else None
    from_environment = getattr(source, "name", None) == "ENVIRONMENT"
    return report_language_option(value, from_environment=from_environment)


MAX_BUDGET = Decimal(10) ** 12
"""A trillion EUR: far above any programme; beyond it the figure is a typing mistake."""

_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


def parse_budget(text: str) -> Decimal:
    """An amount in EUR as people in the region and elsewhere write it; UsageError if unclear.

    >>> [str(parse_budget(t)) for t in ("1500000", "1500000,50", "1.500.000,50", "1,500,000.50")]
    ['1500000', '1500000.50', '1500000.50', '1500000.50']

    A single separator before exactly three digits ("1,500", "1.500") is refused: it
    reads as 1.5 in one country and 1500 in another.
    """
    shown = printable(text)[:40]
    plain = re.sub(r"[\s_\u00a0\u202f']", "", text)  # 1 500 000, 1_500_000, 1'500'000
    if plain.startswith("-"):
        raise UsageError(f"--budget {shown!r}: expected an amount of zero or more EUR")
    if not re.fullmatch(r"\d[\d.,]*", plain) or plain[-1] in ".,":
        raise UsageError(
            f"--budget {shown!r}: expected an amount in EUR of digits with an optional "
            "decimal part, like 1500000 or 1500000.50"
        )
    commas, dots = plain.count(","), plain.count(".")
    if commas and dots:
        decimal_mark = "," if plain.rfind(",") > plain.rfind(".") else "."
        whole, _, cents = plain.rpartition(decimal_mark)
        grouping = "." if decimal_mark == "," else ","
        if grouping in cents or not _GROUPED.fullmatch(whole) or decimal_mark in whole:
            raise UsageError(f"--budget {shown!r}: cannot tell the decimal mark; write 1500000.50")
        number = whole.replace(grouping, "") + "." + cents
    elif commas + dots == 0:
        number = plain
    else:
        mark = "," if commas else "."
        whole, _, tail = plain.rpartition(mark)
        if commas + dots > 1:
            if not _GROUPED.fullmatch(plain):
                raise UsageError(f"--budget {shown!r}: expected groups of three digits")
            number = plain.replace(mark, "")
        elif len(tail) == 3 and _GROUPED.fullmatch(plain):
            raise UsageError(
                f"--budget {shown!r} is ambiguous (thousands or a decimal mark?); "
                f"write {whole}{tail} or {whole}.{tail}"
            )
        else:
            number = f"{whole}.{tail}"
    value = Decimal(number)
    if value.as_tuple().exponent < -2:  # type: ignore[operator]  # finite: digits only
        raise UsageError(f"--budget {shown!r}: expected at most two decimals (cents)")
    if value > MAX_BUDGET:
        raise UsageError(f"--budget {shown!r}: expected at most {MAX_BUDGET:,} EUR")
    return value


def plan(
    lsgs: Annotated[list[str] | None, typer.Argument(help="LSG ids or slugs; default all.")] = None,
    inventory: InventoryOpt = None,
    blueprints: BlueprintsOpt = None,
    catalogue: Annotated[
        Path | None,
        typer.Option("--catalogue", help="Your own price catalogue; replaces items by id."),
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
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Output folder, replaced as a whole by this run's files."),
    ] = Path("out"),
    language: Annotated[
        str,
        typer.Option(
            "--language",
            envvar="LSG_LANGUAGE",
            callback=_language_callback,
            help="Language of report.html and of the XLSX's headers: "
            + ", ".join(api.REPORT_LANGUAGES)
            + ".",
        ),
    ] = api.DEFAULT_REPORT_LANGUAGE,
    fmt: RowsFormatOpt = Format.table,
    allow_empty: AllowEmptyOpt = False,
) -> None:
    """Build the costed investment plan and write plan.json, CSV, XLSX and HTML to --out."""
    day = reference_day(today, "--date")
    api.check_plan_folder(out)  # before the work, not after
    budget_years = parse_years(years) if years else [day.year + 1, day.year + 2, day.year + 3]
    amount = parse_budget(budget) if budget is not None else None
    targets = inventory_paths(inventory)
    # Discovered facts (lsg discover) replace what a person wrote: the plan works on facts.
    files = api.inventory_files(targets) if not lsgs else []
    with output.progress_bar("Reading inventories", len(files)) as advance:
        inventories, differences = api.load_inventories_with_discovered(
            targets, only=lsgs or [], progress=advance, allow_empty=allow_empty
        )
    with output.progress_bar("Analysing gaps", len(inventories)) as advance:
        result = api.plan(
            inventories,
            blueprint_root=required_root(blueprints),
            today=day,
            years=budget_years,
            horizon_years=horizon,
            budget_gross_eur=amount,
            catalogue=catalogue,
            progress=advance,
        )
    published = api.write_plan(
        result,
        out,
        language=language,
        on_wait=lambda: output.error(f"waiting for another lsg plan writing into {out} ..."),
    )

    def eur(value: Decimal) -> str:
        return f"{value:,.0f}"

    countries = [r for r in result.rollups if r.level == "country"]
    [programme] = [r for r in result.rollups if r.level == "programme"]
    per_country = [r for r in result.rollups if r.level == "lsg"]
    summary = [
        *(
            (r.name, sum(1 for x in per_country if x.country == r.key), r.gaps, r.totals)
            for r in countries
        ),
        ("Programme", len(inventories), programme.gaps, programme.totals),
    ]
    columns = ["scope", "LSGs", "gaps", "CAPEX", "OPEX / year", "TCO", "unfunded"]
    if fmt is Format.table:
        output.print_table(
            f"Investment plan {budget_years[0]}-{budget_years[-1]} (EUR incl. VAT; "
            f"TCO over {horizon} years)",
            columns,
            [
                [
                    name,
                    lsg_count,
                    gap_count,
                    eur(t.capex_gross_eur),
                    eur(t.opex_gross_eur_per_year),
                    eur(t.tco_gross_eur),
                    eur(t.unfunded_gross_eur),
                ]
                for name, lsg_count, gap_count, t in summary
            ],
            right=columns[1:],
        )
    else:
        # exact amounts (cents) for programs, as plan.json writes them
        rows = [
            [
                name,
                lsg_count,
                gap_count,
                str(t.capex_gross_eur),
                str(t.opex_gross_eur_per_year),
                str(t.tco_gross_eur),
                str(t.unfunded_gross_eur),
            ]
            for name, lsg_count, gap_count, t in summary
        ]
        keys = ["scope", "lsgs", "gaps", "capex_gross_eur", "opex_gross_eur_per_year"]
        keys += ["tco_gross_eur", "unfunded_gross_eur"]
        if fmt is Format.csv:
            output.print_csv(keys, rows)
        else:
            output.print_json(
                {
                    "run": published.run_id,
                    "years": budget_years,
                    "tco_years": horizon,
                    "files": [str(p) for p in published.files],
                    "summary": [dict(zip(keys, row, strict=True)) for row in rows],
                }
            )
    for warning in result.legal_warnings():
        output.error(f"warning: {warning}")
    if differences:
        output.error(
            f"{len(differences)} discovered value(s) differ from the inventory files and were "
            "used instead (lsg inventory show ID lists them)"
        )
    output.error(f"wrote {', '.join(str(p) for p in published.files)} (run {published.run_id})")
