"""`lsg progress BEFORE AFTER` on two plans built by `lsg plan`, every figure worked out by hand.

Blueprint and prices: tests/data/plan (see tests/unit/test_plan_by_hand.py): one
workstation per employee at most 5 years old (700.00 EUR, lifetime 5), one UPS
(1234.56 EUR, lifetime 2: bought 3 times in 5 years), an ICT security act (3000.00 EUR,
lifetime 3: twice). VAT: RS 20 %, ME 21 %, MK computers 5 %. Every item is one-off, so
OPEX is 0 in both plans. Both plans are of 2026-11-26, TCO over 5 years.

BEFORE is tests/data/plan/inventory as it is:
  rs-alfa  workstations missing   840.00 (TCO   840.00)   1 of 5 employees without one
           workstations obsolete  840.00 (TCO   840.00)   1 bought 2015
           ups missing           1481.47 (TCO  4444.41)
           security act          3600.00 (TCO  7200.00)
  me-beta  ups missing           1493.82 (TCO  4481.46)
  mk-gama  workstations missing  1470.00 (TCO  1470.00)   2 x 700 + 5 %
AFTER, a year of work later:
  rs-alfa  adopted its security act and replaced the 2015 workstation (2 gaps closed)
  me-beta  took on a third employee: one workstation missing, 700 + 21 % = 847.00 (new)
  mk-gama  not in AFTER (dropped: its gap is not "closed")
  rs-delta in AFTER only (added: its UPS gap, 1481.47, is not "new")
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from cli_run import lsg_main
from typer.testing import CliRunner

from lsg_infra import api
from lsg_infra.cli.main import app
from lsg_infra.errors import InputError, UsageError
from lsg_infra.model.plan import Plan
from lsg_infra.progress import compare
from lsg_infra.readers.plan_file import read_plan

DATA = Path(__file__).parents[1] / "data" / "plan"
Plans = tuple[Path, Path]


def run_plan(inventory: Path, out: Path, *extra: str) -> Path:
    args = ["plan", "-i", str(inventory), "-b", str(DATA / "blueprints")]
    args += ["--date", "2026-11-26", "--years", "2027-2028", "--out", str(out), *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def after_inventory(root: Path) -> Path:
    inventory = root / "inventory-after"
    shutil.copytree(DATA / "inventory", inventory)
    shutil.rmtree(inventory / "mk")
    alfa = inventory / "rs" / "alfa.yaml"
    text = alfa.read_text("utf-8")
    text = text.replace("count: 1, purchased: 2015", "count: 1, purchased: 2026")
    text = text.replace("security-act: false", "security-act: true")
    alfa.write_text(text, "utf-8")
    beta = inventory / "me" / "beta.yaml"
    beta.write_text(beta.read_text("utf-8").replace("employees: 2,", "employees: 3,"), "utf-8")
    (inventory / "rs" / "delta.yaml").write_text(
        "municipality: {id: rs-delta, name: Delta, country: RS, district: Test,"
        " population: 1500, employees: 1, it_staff: 1, trained_staff: 1}\n"
        "sites: [{id: hq, name: Town hall, roles: [headquarters], server_room: true}]\n"
        "assets: [{id: ws, kind: workstation, site: hq, count: 1, purchased: 2025}]\n"
        "controls: {security-act: true}\n",
        "utf-8",
    )
    return inventory


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> Plans:
    root = tmp_path_factory.mktemp("progress")
    before = run_plan(DATA / "inventory", root / "plan-2026")
    after = run_plan(after_inventory(root), root / "plan-2027")
    return before, after


lsg = lsg_main


def test_worked_example_per_lsg(plans: Plans) -> None:
    before, after = plans
    result = api.progress(before, after / "plan.json")
    rows = {r.lsg: r for r in result.lsgs}
    assert {k: r.status for k, r in rows.items()} == {
        "me-beta": "compared",
        "mk-gama": "dropped",
        "rs-alfa": "compared",
        "rs-delta": "added",
    }
    alfa = rows["rs-alfa"]
    assert (alfa.gaps_before, alfa.closed, alfa.opened, alfa.remaining, alfa.gaps_after) == (
        4,
        2,
        0,
        2,
        2,
    )
    # 840 + 840 + 1481.47 + 3600 before; 840 + 1481.47 after
    assert (alfa.before.capex_gross_eur, alfa.after.capex_gross_eur) == (
        D("6761.47"),
        D("2321.47"),
    )
    assert alfa.closed_capex_gross_eur == D("4440.00")  # obsolete workstation 840 + act 3600
    assert alfa.opened_capex_gross_eur == D("0")
    # 840 + 840 + 4444.41 + 7200 before; 840 + 4444.41 after
    assert (alfa.before.tco_gross_eur, alfa.after.tco_gross_eur) == (
        D("13324.41"),
        D("5284.41"),
    )
    beta = rows["me-beta"]
    assert (beta.gaps_before, beta.closed, beta.opened, beta.remaining, beta.gaps_after) == (
        1,
        0,
        1,
        1,
        2,
    )
    assert beta.opened_capex_gross_eur == D("847.00")  # 700 + 21 %
    assert beta.after.capex_gross_eur == D("2340.82")  # 1493.82 + 847.00
    assert beta.after.tco_gross_eur == D("5328.46")  # 4481.46 + 847.00
    gama, delta = rows["mk-gama"], rows["rs-delta"]
    assert (gama.gaps_before, gama.closed, gama.before.capex_gross_eur) == (1, 0, D("1470.00"))
    assert (delta.gaps_after, delta.opened, delta.after.capex_gross_eur) == (1, 0, D("1481.47"))


def test_worked_example_programme(plans: Plans) -> None:
    result = api.progress(*plans)
    p = result.programme
    # Only rs-alfa and me-beta are in both plans.
    assert (p.gaps_before, p.closed, p.opened, p.remaining, p.gaps_after) == (5, 2, 1, 3, 4)
    assert p.before.capex_gross_eur == D("8255.29")  # 6761.47 + 1493.82
    assert p.after.capex_gross_eur == D("4662.29")  # 2321.47 + 2340.82
    assert p.before.tco_gross_eur == D("17805.87")  # 13324.41 + 4481.46
    assert p.after.tco_gross_eur == D("10612.87")  # 5284.41 + 5328.46
    assert (p.before.opex_gross_eur_per_year, p.after.opex_gross_eur_per_year) == (D(0), D(0))
    assert (p.closed_capex_gross_eur, p.opened_capex_gross_eur) == (D("4440.00"), D("847.00"))
    # Each plan whole, as it was written: 8255.29 + 1470.00; 4662.29 + 1481.47
    assert result.before.totals.capex_gross_eur == D("9725.29")
    assert result.after.totals.capex_gross_eur == D("6143.76")
    statuses = {(c.key.lsg, c.key.requirement, c.key.kind.value): c.status for c in result.gaps}
    assert statuses == {
        ("rs-alfa", "control-security-act", "absent-control"): "closed",
        ("rs-alfa", "workstations", "obsolete"): "closed",
        ("rs-alfa", "workstations", "missing"): "remaining",
        ("rs-alfa", "ups", "missing"): "remaining",
        ("me-beta", "ups", "missing"): "remaining",
        ("me-beta", "workstations", "missing"): "opened",
    }
    assert result.notes == [
        "1 LSG(s) only in BEFORE (dropped, their gaps not counted as closed): mk-gama",
        "1 LSG(s) only in AFTER (added, their gaps not counted as new): rs-delta",
    ]


def test_a_plan_against_itself_changes_nothing(plans: Plans) -> None:
    before, _ = plans
    p = api.progress(before, before).programme
    assert (p.gaps_before, p.closed, p.opened, p.remaining) == (6, 0, 0, 6)
    assert p.before == p.after


def test_lsg_filter_by_id_or_slug(plans: Plans) -> None:
    result = api.progress(*plans, lsgs=["alfa", "mk-gama"])
    assert [r.lsg for r in result.lsgs] == ["mk-gama", "rs-alfa"]
    assert result.programme.closed == 2
    with pytest.raises(UsageError, match="'rs-nowhere' is in neither plan"):
        api.progress(*plans, lsgs=["rs-nowhere"])


def test_other_prices_and_date_are_said_not_mixed(plans: Plans, tmp_path: Path) -> None:
    own = tmp_path / "framework-prices.yaml"
    own.write_text(
        "disclaimer: Prices of the 2027 framework agreement.\n"
        "items:\n"
        "  - {id: workstation, description: Desktop workstation (framework), unit: piece,"
        " cpv: 30213000-5, unit_price_eur: '650.00', price_year: 2027, billing: one-off,"
        " lifetime_years: 5, category: computers,"
        " tax_class: data-processing-equipment}\n",
        "utf-8",
    )
    after = tmp_path / "plan-2027"
    args = ["plan", "-i", str(after_inventory(tmp_path)), "-b", str(DATA / "blueprints")]
    args += ["--date", "2027-11-26", "--catalogue", str(own), "--out", str(after)]
    assert CliRunner().invoke(app, args).exit_code == 0
    result = api.progress(plans[0], after)
    # me-beta's new workstation at AFTER's own price: 650 + 21 % = 786.50
    assert {r.lsg: r.opened_capex_gross_eur for r in result.lsgs}["me-beta"] == D("786.50")
    assert result.notes[:4] == [
        "plan dates differ: BEFORE is of 2026-11-26, AFTER of 2027-11-26; gaps of age and "
        "end of support are judged on each date",
        "catalogue price years differ: BEFORE 2026, AFTER 2026, 2027",
        "1 catalogue item(s) priced differently: workstation 700.00 EUR (2026) -> "
        "650.00 EUR (2027)",
        "amounts are each plan's own (its catalogue and rates), not converted",
    ]


def test_table_json_and_csv(
    plans: Plans, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before, after = (str(p) for p in plans)
    code, out, err = lsg(["progress", before, after], monkeypatch, capsys)
    assert code == 0, err
    programme = next(ln for ln in out.splitlines() if "Programme" in ln)
    for figure in ("8,255", "4,662", "4,440", "847", "17,806", "10,613"):
        assert figure in programme
    assert "note: 1 LSG(s) only in BEFORE (dropped" in err

    code, out, err = lsg(["progress", before, after, "-f", "json"], monkeypatch, capsys)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    assert data["programme"]["closed_capex_gross_eur"] == "4440.00"
    assert data["before"]["date"] == "2026-11-26"
    assert len(data["gaps"]) == 6 and len(data["notes"]) == 2

    code, out, err = lsg(["progress", before, after, "-f", "csv", "--gaps"], monkeypatch, capsys)
    assert code == 0, err
    rows = out.splitlines()
    assert rows[0].startswith("status,lsg,requirement,site,kind")
    assert sum(r.startswith("closed,rs-alfa,") for r in rows) == 2

    code, out, err = lsg(["progress", before, after, "-f", "csv"], monkeypatch, capsys)
    assert code == 0, err
    by_lsg = {r.split(",")[0]: r for r in out.splitlines()[1:]}
    # dropped: BEFORE's figures only, nothing closed, nothing after
    assert by_lsg["mk-gama"] == "mk-gama,Gama,dropped,1,,,,,1470.00,,0.00,,1470.00,,,"
    assert by_lsg["programme"].endswith(",4440.00,847.00")


def hostile(tmp_path: Path, plans: Plans) -> dict[str, tuple[Path, str]]:
    """name -> (path given as BEFORE, what its one line must say)."""
    text = (plans[0] / "plan.json").read_text("utf-8")
    files = {
        "not-json.json": "municipality: {id: rs-alfa}\n",
        "a-list.json": "[1, 2]\n",
        "not-a-plan.json": '{"lsgs": []}\n',
        "version-9.json": text.replace('"schema_version": "1.0"', '"schema_version": "9.0"'),
        "bad-money.json": text.replace('"capex_gross_eur": "840.00"', '"capex_gross_eur": "x"', 1),
        "not-utf8.json": "",
        "version-list.json": '{"schema_version": [1, 0], "lines": []}',
    }
    for name, content in files.items():
        (tmp_path / name).write_text(content, "utf-8")
    (tmp_path / "not-utf8.json").write_bytes(b'{"schema_version": "1.0", "x": "\xe9"}')
    (tmp_path / "empty-folder").mkdir()
    return {
        "not-json": (tmp_path / "not-json.json", ":1: not JSON (Expecting value)"),
        "a-list": (tmp_path / "a-list.json", ":1: a JSON list, not an object"),
        "not-a-plan": (tmp_path / "not-a-plan.json", ":1: not a plan (no schema_version)"),
        "version-9": (
            tmp_path / "version-9.json",
            'schema_version "9.0" cannot be read by this lsg-infra (it reads "1.0")',
        ),
        "version-list": (tmp_path / "version-list.json", ":1: schema_version [1, 0] cannot be"),
        "bad-money": (tmp_path / "bad-money.json", "capex_gross_eur"),
        "not-utf8": (tmp_path / "not-utf8.json", ":1: byte 0xe9 is not valid UTF-8"),
        "missing": (tmp_path / "nowhere" / "plan.json", "no such file or folder"),
        "folder": (tmp_path / "empty-folder", "no plan.json in this folder"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "not-json",
        "a-list",
        "not-a-plan",
        "version-9",
        "version-list",
        "bad-money",
        "not-utf8",
        "missing",
        "folder",
    ],
)
def test_hostile_plan_is_one_line_and_exit_2(
    case: str,
    plans: Plans,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, expected = hostile(tmp_path, plans)[case]
    code, out, err = lsg(["progress", str(path), str(plans[1])], monkeypatch, capsys)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    problem, count = err.splitlines()  # the problem, then "1 problem found"
    assert expected in problem
    assert "expected a plan.json written by lsg plan" in problem
    assert count == "1 problem found"
    # the library says the same through the one door
    with pytest.raises(InputError):
        api.progress(path, plans[1])


def test_unknown_lsg_is_one_line_and_exit_2(
    plans: Plans, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["progress", str(plans[0]), str(plans[1]), "--lsg", "rs-nowhere"]
    code, out, err = lsg(args, monkeypatch, capsys)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "error: --lsg 'rs-nowhere' is in neither plan; expected an LSG id of BEFORE or AFTER, "
        "like rs-kikinda"
    ]


def test_a_plan_changed_after_it_was_written_is_noted(plans: Plans, tmp_path: Path) -> None:
    copy = tmp_path / "plan-2026"
    shutil.copytree(plans[0], copy)
    plan_json = copy / "plan.json"
    plan_json.write_text(plan_json.read_text("utf-8") + "\n", "utf-8")
    notes = api.progress(copy, plans[1]).notes
    assert notes[0].endswith(
        "differs from what its manifest recorded (changed after lsg plan wrote it?)"
    )


def read(folder: Path) -> Plan:
    return read_plan(folder).plan


def test_a_gap_counted_twice_then_once_is_one_closed_one_left(plans: Plans) -> None:
    # A site's link redundancy and its speed are two gaps of one key; here rs-alfa's UPS
    # gap stands twice in BEFORE. One of them closed; its money stays with the one left.
    before, after = read(plans[0]), read(plans[1])
    ups = next(g for g in before.gaps if (g.lsg, g.requirement) == ("rs-alfa", "ups"))
    twice = before.model_copy(update={"gaps": [*before.gaps, ups]})
    alfa = next(r for r in compare(twice, after).lsgs if r.lsg == "rs-alfa")
    assert (alfa.gaps_before, alfa.closed, alfa.remaining, alfa.gaps_after) == (5, 3, 2, 2)
    assert alfa.closed_capex_gross_eur == D("4440.00")  # the UPS is not counted as closed


def test_horizon_vat_and_order_are_noted(plans: Plans) -> None:
    before, after = read(plans[0]), read(plans[1])
    rs = after.rates["RS"]
    vat = {c: v.model_copy(update={"pct": D("22")}) for c, v in rs.vat.items()}
    changed = after.model_copy(
        update={
            "horizon_years": 3,
            "generated_for": dt.date(2025, 11, 26),
            "rates": {**after.rates, "RS": rs.model_copy(update={"vat": vat})},
        }
    )
    notes = compare(before, changed).notes
    assert "AFTER is older than BEFORE: were the two plans given the other way?" in notes
    assert (
        "TCO horizons differ: BEFORE 5 years, AFTER 3 years; the TCO columns are not comparable"
        in notes
    )
    assert "RS VAT rates differ for data-processing-equipment, goods, services, software" in notes
    assert "amounts are each plan's own (its catalogue and rates), not converted" in notes
