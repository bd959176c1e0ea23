"""Hostile text in an inventory reaches no output as markup or as a formula."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from lsg_infra.cli.main import app

DATA = Path(__file__).parents[1] / "data" / "plan"
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://127.0.0.1/x","click")'


def test_script_and_formula_names_are_inert(tmp_path: Path) -> None:
    inventory = tmp_path / "inventory" / "rs"
    inventory.mkdir(parents=True)
    (inventory / "zeta.yaml").write_text(
        "municipality: {id: rs-zeta, name: '"
        + SCRIPT
        + "', name_local: '"
        + FORMULA.replace("'", "''")
        + "', country: RS, district: '"
        + FORMULA.replace("'", "''")
        + "', population: 3000,"
        " employees: 3, it_staff: 1, trained_staff: 3}\n"
        "sites: [{id: hq, name: '@SUM(A1)', roles: [headquarters], server_room: true}]\n"
        "assets: [{kind: workstation, site: hq, count: 1, purchased: 2025, model: '+cmd|calc'}]\n"
        "controls: {security-act: false}\n",
        "utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "plan",
            "-i",
            str(tmp_path / "inventory"),
            "-b",
            str(DATA / "blueprints"),
            "--date",
            "2026-11-26",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output

    html = (out / "report.html").read_text("utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    rows = list(csv.reader((out / "procurement.csv").read_text("utf-8-sig").splitlines()))
    cells = [c for row in rows[1:] for c in row]
    assert SCRIPT in cells  # plain text in a CSV is harmless; only formulas are not
    assert not [c for c in cells if c[:1] in ("=", "+", "@")], cells
    assert "'" + FORMULA in cells

    wb = openpyxl.load_workbook(out / "procurement.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@", "-")), cell.value

    data = json.loads((out / "plan.json").read_text("utf-8"))
    assert data["lines"][0]["lsg_name"] == SCRIPT  # JSON keeps the data exactly
