"""The plan's outputs: consistent totals, and inventory text that can never execute."""

from __future__ import annotations

import csv
import json
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from plan_samples import EVIL_DISTRICT, make_plan

from lsg_infra.model.plan import Plan
from lsg_infra.reports import write_all
from lsg_infra.reports.safety import neutralise


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Path]:
    out = tmp_path_factory.mktemp("plan")
    plan = make_plan(D("6000"))
    write_all(plan, out)
    return plan, out


def test_neutralise() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("-2") == "'-2"
    assert neutralise("@x") == "'@x"
    assert neutralise("+x") == "'+x"
    assert neutralise("plain = text") == "plain = text"


def test_html_escapes_inventory_text(outputs: tuple[Plan, Path]) -> None:
    _, out = outputs
    html = (out / "report.html").read_text("utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html
    assert "Content-Security-Policy" in html


def test_csv_has_no_formulas(outputs: tuple[Plan, Path]) -> None:
    _, out = outputs
    rows = list(csv.reader((out / "procurement.csv").read_text("utf-8-sig").splitlines()))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@")]
    assert any(c == "'" + EVIL_DISTRICT for c in cells)


def test_xlsx_has_no_formulas_and_totals_match_json(outputs: tuple[Plan, Path]) -> None:
    _, out = outputs
    wb = openpyxl.load_workbook(out / "procurement.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@")), cell.value
    data = json.loads((out / "plan.json").read_text("utf-8"))
    assert data["schema_version"] == "1.0"
    programme = next(r for r in data["rollups"] if r["level"] == "programme")
    lines = wb["Procurement"]
    header = [c.value for c in next(lines.iter_rows(max_row=1))]
    gross = header.index("Gross (EUR)")
    tco = header.index("TCO gross (EUR)")
    rows = list(lines.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(data["lines"]) == 6
    assert D(str(sum(D(str(r[tco])) for r in rows))) == D(programme["totals"]["tco_gross_eur"])
    funded = sum(D(str(r[gross])) for r in rows if r[header.index("Funded")] == "yes")
    assert funded == D(programme["totals"]["funded_gross_eur"])
    summary = wb["Summary"]
    programme_row = next(
        r for r in summary.iter_rows(values_only=True) if r and r[0] == "programme"
    )
    assert D(str(programme_row[6])) == D(programme["totals"]["tco_gross_eur"])
    assert len(summary._charts) == 3
    assert {"Summary", "Lots", "Procurement", "rs-evil", "mk-good"} <= set(wb.sheetnames)
    assert lines.freeze_panes == "A2" and lines.auto_filter.ref


def test_outputs_are_replaced_atomically(tmp_path: Path) -> None:
    plan = make_plan()
    write_all(plan, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "plan.json",
        "procurement.csv",
        "procurement.xlsx",
        "report.html",
    ]


def test_committed_plan_schema_is_current() -> None:
    from typer.testing import CliRunner

    from lsg_infra.cli.main import app

    result = CliRunner().invoke(app, ["schema", "plan"])
    assert result.exit_code == 0
    committed = (Path(__file__).parents[2] / "docs" / "plan.schema.json").read_text("utf-8")
    assert json.loads(result.stdout) == json.loads(committed), (
        "run: lsg schema plan --out docs/plan.schema.json"
    )
