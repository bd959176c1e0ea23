"""report.html: one self-contained page a planner can read offline and print.

No scripts, no external files: styles are inline and charts are SVG drawn here,
so the page renders the same in any browser, on paper, and years from now.
Every value goes through jinja2's autoescape.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import jinja2

from lsg_infra import __version__
from lsg_infra.atomic_write import write_text_atomic
from lsg_infra.model.plan import Plan
from lsg_infra.reports import breakdown

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("lsg_infra.reports", "templates"),
    autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def eur(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


_env.filters["eur"] = eur


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    width_pct: float
    y: int


def bars(items: list[tuple[str, Decimal]], limit: int = 30) -> list[Bar]:
    """Horizontal bar geometry, the largest value spanning the full width."""
    top = items[:limit]
    largest = max((v for _, v in top), default=Decimal(0))
    return [
        Bar(label, value, float(value / largest * 100) if largest else 0.0, i * 22)
        for i, (label, value) in enumerate(top)
    ]


def render(plan: Plan) -> str:
    lsg_rollups = breakdown.rollups(plan, "lsg")
    by_lsg = sorted(
        ((r.name, r.totals.tco_gross_eur) for r in lsg_rollups), key=lambda kv: (-kv[1], kv[0])
    )
    gaps_by_lsg: dict[str, list[object]] = {}
    for gap in plan.gaps:
        gaps_by_lsg.setdefault(gap.lsg, []).append(gap)
    return _env.get_template("report.html.j2").render(
        plan=plan,
        version=__version__,
        programme=breakdown.programme(plan),
        countries=breakdown.rollups(plan, "country"),
        districts=breakdown.rollups(plan, "district"),
        lsgs=lsg_rollups,
        category_bars=bars(breakdown.by_category(plan)),
        lsg_bars=bars(by_lsg),
        lsg_count=len(by_lsg),
        lines_by_lsg=breakdown.lines_by_lsg(plan),
        gaps_by_lsg=gaps_by_lsg,
        unfunded=[ln for ln in plan.lines if not ln.funded],
    )


def write(plan: Plan, path: Path) -> None:
    write_text_atomic(path, render(plan))
