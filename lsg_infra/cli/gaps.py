"""`lsg gaps`: what each LSG lacks against its blueprint, and its compliance score."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lsg_infra import api
from lsg_infra.api import Assessment, Compliance
from lsg_infra.cli import output
from lsg_infra.cli.blueprint import BlueprintsOpt, required_root
from lsg_infra.cli.main_options import InventoryOpt, RowsFormatOpt, inventory_paths, reference_day
from lsg_infra.cli.output import Format
from lsg_infra.model.gap import Family, Gap

CSV_COLUMNS = (
    "lsg",
    "requirement",
    "family",
    "kind",
    "severity",
    "priority",
    "site",
    "expected",
    "actual",
    "shortfall",
    "unit",
    "reason",
    "remedies",
    "references",
    "assets",
    "source",
)


def register(app: typer.Typer) -> None:
    app.command("gaps")(gaps)


def gaps(
    lsgs: Annotated[list[str] | None, typer.Argument(help="LSG ids or slugs; default all.")] = None,
    inventory: InventoryOpt = None,
    blueprints: BlueprintsOpt = None,
    fmt: RowsFormatOpt = Format.table,
    today: Annotated[
        str | None,
        typer.Option("--today", help="Judge ages and end of support on this day (YYYY-MM-DD)."),
    ] = None,
) -> None:
    """Gaps of each LSG against its blueprint, with compliance per requirement family."""
    day = reference_day(today, "--today")
    assessments = api.assess(
        inventory_paths(inventory),
        required_root(blueprints),
        only=lsgs or [],
        today=day,
    )
    if fmt is Format.json:
        output.print_json(
            {"date": day.isoformat(), "lsgs": [_assessment_json(a) for a in assessments]}
        )
    elif fmt is Format.csv:
        output.print_csv(CSV_COLUMNS, (_gap_row(g) for a in assessments for g in a.gaps))
    else:
        _print_tables(assessments)


def _gap_row(gap: Gap) -> list[Any]:
    return [
        gap.lsg,
        gap.requirement,
        gap.family.value,
        gap.kind.value,
        gap.severity.value,
        gap.priority,
        gap.site,
        gap.expected,
        gap.actual,
        gap.shortfall,
        gap.unit,
        gap.reason,
        "; ".join(r.describe() for r in gap.remedies),
        "; ".join(gap.references),
        " ".join(gap.assets),
        gap.source,
    ]


def compliance_json(c: Compliance) -> dict[str, Any]:
    return {
        "score": c.score,
        "requirements": c.requirements,
        "met": c.met,
        "families": {
            f.family.value: {"score": f.score, "requirements": f.requirements, "met": f.met}
            for f in c.families
        },
        "kpis_reportable": list(c.kpis_reportable),
        "kpis_blocked": list(c.kpis_blocked),
    }


def _assessment_json(a: Assessment) -> dict[str, Any]:
    return {
        "lsg": a.lsg,
        "tier": a.tier,
        "country": a.country,
        "compliance": compliance_json(a.compliance),
        "gaps": [g.model_dump(mode="json") for g in a.gaps],
    }


def _print_tables(assessments: list[Assessment]) -> None:
    rows = [g for a in assessments for g in a.gaps]
    output.print_table(
        f"{len(rows)} gap(s)",
        ["lsg", "requirement", "kind", "severity", "shortfall", "reason"],
        (
            [
                g.lsg,
                g.requirement + (f" @{g.site}" if g.site else ""),
                g.kind.value,
                g.severity.value,
                f"{g.shortfall.normalize():f} {g.unit}",
                g.reason,
            ]
            for g in rows
        ),
        right=["shortfall"],
    )
    families = [f.value for f in Family]
    output.print_table(
        "Compliance (% of requirements met)",
        ["lsg", "tier", "score", *families, "U4SSC KPIs reportable"],
        (
            [
                a.lsg,
                a.tier,
                f"{a.compliance.score:.1f}",
                *[f"{f.score:.0f}" for f in a.compliance.families],
                ", ".join(a.compliance.kpis_reportable) or "-",
            ]
            for a in assessments
        ),
        right=["score", *families],
    )
