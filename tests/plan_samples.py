"""A small plan with hostile text, shared by the report tests (unit and browser)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

from lsg_infra.costing import LsgInfo, build_plan
from lsg_infra.model.gap import Family, Gap, GapKind, Remedy, Severity
from lsg_infra.model.plan import Plan
from lsg_infra.readers.catalogue import load_catalogue, load_rates

DATA = Path(__file__).parent / "data" / "costing"
ROOT = Path(__file__).parents[1]
EVIL_NAME = '<script>alert("x")</script>'
EVIL_DISTRICT = '=HYPERLINK("http://127.0.0.1/x","click")'


def make_plan(budget: D | None = None) -> Plan:
    catalogue, problems = load_catalogue(DATA / "catalogue.yaml")
    rates, rate_problems = load_rates(ROOT / "blueprints" / "countries.yaml")
    assert catalogue is not None, problems
    assert rates is not None, rate_problems
    lsgs = {
        "rs-evil": LsgInfo("rs-evil", EVIL_NAME, "RS", EVIL_DISTRICT),
        "mk-good": LsgInfo("mk-good", "Good", "MK", "@SUM(1+1)"),
    }
    gaps = [
        Gap(
            lsg=lsg,
            requirement=req,
            family=Family.EQUIPMENT,
            kind=GapKind.MISSING,
            severity=Severity.HIGH,
            priority=2,
            expected="1",
            actual="0",
            shortfall=D(n),
            unit="piece",
            reason=f"{EVIL_NAME} lacks {req}.",
            remedies=(Remedy(item=item),),
        )
        for lsg in lsgs
        for req, item, n in (("ws", "workstation", 4), ("ups", "ups", 1), ("net", "fiber", 1))
    ]
    return build_plan(
        gaps,
        lsgs,
        catalogue,
        rates,
        today=dt.date(2026, 11, 26),
        years=[2027, 2028],
        budget_gross_eur=budget,
    )
