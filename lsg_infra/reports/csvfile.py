"""procurement.csv: one row per procurement line, for tender documents and spreadsheets."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from lsg_infra.atomic_write import write_text_atomic
from lsg_infra.model.plan import Plan, ProcurementLine
from lsg_infra.reports.safety import neutralise

COLUMNS = (
    "line",
    "lsg",
    "lsg_name",
    "country",
    "district",
    "requirement",
    "requirement_title",
    "references",
    "gap_kind",
    "severity",
    "priority",
    "item",
    "description",
    "cpv",
    "unit",
    "billing",
    "quantity",
    "unit_price_eur",
    "periods",
    "net_eur",
    "tax_class",
    "vat_pct",
    "vat_reason",
    "vat_eur",
    "gross_eur",
    "capex_gross_eur",
    "opex_gross_eur_per_year",
    "tco_gross_eur",
    "currency",
    "gross_local",
    "tco_gross_local",
    "year",
    "funded",
    "unfunded_reason",
    "reason",
    "computation",
)


def row(line: ProcurementLine) -> list[Any]:
    data = line.model_dump(mode="json")
    out = []
    for col in COLUMNS:
        value = data[col]
        if value is None:
            out.append("")
        elif isinstance(value, list):
            out.append(neutralise("; ".join(str(v) for v in value)))
        elif isinstance(value, str):
            out.append(neutralise(value))
        else:
            out.append(value)
    return out


def render(plan: Plan) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for line in plan.lines:
        writer.writerow(row(line))
    return buf.getvalue()


def write(plan: Plan, path: Path) -> None:
    # utf-8-sig: Excel opens a CSV with a BOM as UTF-8 (Cyrillic names stay readable).
    write_text_atomic(path, "\ufeff" + render(plan))
