"""`lsg progress BEFORE AFTER`: what changed between two plans (closed, new, left, money)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from lsg_infra import api
from lsg_infra.api import GapChange, LsgProgress, Money, Progress
from lsg_infra.cli import output
from lsg_infra.cli.main_options import RowsFormatOpt
from lsg_infra.cli.output import Format

LSG_COLUMNS = (
    "lsg",
    "name",
    "status",
    "gaps_before",
    "closed",
    "opened",
    "remaining",
    "gaps_after",
    "capex_gross_eur_before",
    "capex_gross_eur_after",
    "opex_gross_eur_per_year_before",
    "opex_gross_eur_per_year_after",
    "tco_gross_eur_before",
    "tco_gross_eur_after",
    "closed_capex_gross_eur",
    "opened_capex_gross_eur",
)

GAP_COLUMNS = (
    "status",
    "lsg",
    "requirement",
    "site",
    "kind",
    "count_before",
    "count_after",
    "capex_gross_eur_before",
    "capex_gross_eur_after",
    "tco_gross_eur_before",
    "tco_gross_eur_after",
    "title",
    "reason",
)

BeforeArg = Annotated[
    Path,
    typer.Argument(
        help="The earlier plan: a plan.json written by lsg plan, or its --out folder.",
        metavar="BEFORE",
        show_default=False,
    ),
]
AfterArg = Annotated[
    Path,
    typer.Argument(
        help="The later plan: a plan.json written by lsg plan, or its --out folder.",
        metavar="AFTER",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    app.command("progress")(progress)


def progress(
    before: BeforeArg,
    after: AfterArg,
    lsgs: Annotated[
        list[str] | None,
        typer.Option(
            "--lsg", help="Only this LSG (id or slug; repeatable). Default: all.", metavar="ID"
        ),
    ] = None,
    gaps: Annotated[
        bool, typer.Option("--gaps", help="One row per gap (closed, new, remaining), not per LSG.")
    ] = False,
    fmt: RowsFormatOpt = Format.table,
) -> None:
    """Compare two plans: gaps closed, new and remaining per LSG, and their money."""
    result = api.progress(before, after, lsgs=lsgs or [])
    rows = [*result.lsgs, result.programme]
    if fmt is Format.json:
        output.print_json(_as_json(result))
    elif fmt is Format.csv:
        if gaps:
            output.print_csv(GAP_COLUMNS, (_gap_row(c) for c in result.gaps))
        else:
            output.print_csv(LSG_COLUMNS, (_lsg_row(r) for r in rows))
    elif gaps:
        _gap_table(result)
    else:
        _lsg_table(result, rows)
    for note in result.notes:
        output.error(f"note: {note}")


def _lsg_row(r: LsgProgress) -> list[Any]:
    # exact amounts (cents) for programs, as plan.json writes them; empty where the LSG is
    # in one plan only (an added LSG has no "before", and nothing closed or new)
    compared = r.status == "compared"
    then = r.status != "added"
    now = r.status != "dropped"

    def cell(value: object, present: bool) -> object:
        return (str(value) if isinstance(value, Decimal) else value) if present else None

    return [
        r.lsg,
        r.name,
        r.status,
        cell(r.gaps_before, then),
        cell(r.closed, compared),
        cell(r.opened, compared),
        cell(r.remaining, compared),
        cell(r.gaps_after, now),
        cell(r.before.capex_gross_eur, then),
        cell(r.after.capex_gross_eur, now),
        cell(r.before.opex_gross_eur_per_year, then),
        cell(r.after.opex_gross_eur_per_year, now),
        cell(r.before.tco_gross_eur, then),
        cell(r.after.tco_gross_eur, now),
        cell(r.closed_capex_gross_eur, compared),
        cell(r.opened_capex_gross_eur, compared),
    ]


def _gap_row(c: GapChange) -> list[Any]:
    return [
        c.status,
        c.key.lsg,
        c.key.requirement,
        c.key.site,
        c.key.kind.value,
        c.count_before,
        c.count_after,
        str(c.before.capex_gross_eur),
        str(c.after.capex_gross_eur),
        str(c.before.tco_gross_eur),
        str(c.after.tco_gross_eur),
        c.title,
        c.reason,
    ]


def _as_json(result: Progress) -> dict[str, Any]:
    def stamp(which: str) -> dict[str, Any]:
        s = result.before if which == "before" else result.after
        return {
            "date": s.generated_for.isoformat(),
            "horizon_years": s.horizon_years,
            "years": list(s.years),
            "price_years": list(s.price_years),
            "lsgs": s.lsgs,
            "gaps": s.gaps,
            **_money_json(s.totals),
        }

    return {
        "before": stamp("before"),
        "after": stamp("after"),
        "programme": dict(zip(LSG_COLUMNS, _lsg_row(result.programme), strict=True)),
        "lsgs": [dict(zip(LSG_COLUMNS, _lsg_row(r), strict=True)) for r in result.lsgs],
        "gaps": [dict(zip(GAP_COLUMNS, _gap_row(c), strict=True)) for c in result.gaps],
        "notes": result.notes,
    }


def _money_json(m: Money) -> dict[str, str]:
    return {
        "capex_gross_eur": str(m.capex_gross_eur),
        "opex_gross_eur_per_year": str(m.opex_gross_eur_per_year),
        "tco_gross_eur": str(m.tco_gross_eur),
    }


def _eur(value: Decimal) -> str:
    return f"{value:,.0f}"


def _title(result: Progress, what: str) -> str:
    return (
        f"{what} from the plan of {result.before.generated_for} to that of "
        f"{result.after.generated_for} (EUR incl. VAT; TCO over {result.after.horizon_years} "
        "years)"
    )


def _lsg_table(result: Progress, rows: list[LsgProgress]) -> None:
    columns = [
        "LSG",
        "status",
        "gaps before",
        "closed",
        "new",
        "left",
        "CAPEX before",
        "CAPEX after",
        "closed CAPEX",
        "new CAPEX",
        "OPEX/yr before",
        "OPEX/yr after",
        "TCO before",
        "TCO after",
    ]

    def cells(r: LsgProgress) -> list[Any]:
        compared = r.status == "compared"
        before_side, after_side = r.status != "added", r.status != "dropped"
        return [
            r.name if r.lsg == "programme" else r.lsg,
            r.status,
            r.gaps_before if before_side else None,
            r.closed if compared else None,
            r.opened if compared else None,
            r.remaining if compared else None,
            _eur(r.before.capex_gross_eur) if before_side else None,
            _eur(r.after.capex_gross_eur) if after_side else None,
            _eur(r.closed_capex_gross_eur) if compared else None,
            _eur(r.opened_capex_gross_eur) if compared else None,
            _eur(r.before.opex_gross_eur_per_year) if before_side else None,
            _eur(r.after.opex_gross_eur_per_year) if after_side else None,
            _eur(r.before.tco_gross_eur) if before_side else None,
            _eur(r.after.tco_gross_eur) if after_side else None,
        ]

    output.print_table(
        _title(result, "Progress"), columns, (cells(r) for r in rows), right=columns[2:]
    )


def _gap_table(result: Progress) -> None:
    columns = ["status", "LSG", "gap", "CAPEX before", "CAPEX after", "reason"]
    order = {"closed": 0, "opened": 1, "remaining": 2}
    output.print_table(
        _title(result, f"{len(result.gaps)} gap(s)"),
        columns,
        (
            [
                "new" if c.status == "opened" else c.status,
                c.key.lsg,
                c.key.label(),
                _eur(c.before.capex_gross_eur) if c.count_before else None,
                _eur(c.after.capex_gross_eur) if c.count_after else None,
                c.reason,
            ]
            for c in sorted(result.gaps, key=lambda c: (order[c.status], c.key))
        ),
        right=["CAPEX before", "CAPEX after"],
    )
