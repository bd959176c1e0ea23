"""Breakdowns of a plan shared by the spreadsheet and the HTML report (pure): cost by
category, lines by LSG, roll-ups of one level, the programme total."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from lsg_infra.model.plan import Plan, ProcurementLine, Rollup


def by_category(plan: Plan) -> list[tuple[str, Decimal]]:
    """Gross total cost of ownership per catalogue category, largest first."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for line in plan.lines:
        sums[line.category] += line.tco_gross_eur
    return sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))


def rollups(plan: Plan, level: str) -> list[Rollup]:
    return [r for r in plan.rollups if r.level == level]


def programme(plan: Plan) -> Rollup:
    return rollups(plan, "programme")[0]


def lines_by_lsg(plan: Plan) -> dict[str, list[ProcurementLine]]:
    out: dict[str, list[ProcurementLine]] = defaultdict(list)
    for line in plan.lines:
        out[line.lsg].append(line)
    return out
