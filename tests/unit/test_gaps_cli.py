"""`lsg gaps` and `lsg blueprint show` on the sample inventories and shipped blueprints."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from cli_run import lsg_main

from lsg_infra.model.gap import GapKind

ROOT = Path(__file__).resolve().parents[2]
COMMON = ["-i", str(ROOT / "inventory"), "-b", str(ROOT / "blueprints"), "--today", "2026-11-26"]


lsg = lsg_main


def test_gaps_json_has_gaps_and_compliance(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = lsg(["gaps", "kikinda", *COMMON, "-f", "json"], monkeypatch, capsys)
    assert code == 0, err
    data = json.loads(out)
    [kikinda] = data["lsgs"]
    assert (kikinda["lsg"], kikinda["tier"], kikinda["country"]) == ("rs-kikinda", "medium", "RS")
    assert set(kikinda["compliance"]["families"]) == {
        "equipment",
        "connectivity",
        "software",
        "eservices",
        "controls",
        "capacity",
    }
    gap = kikinda["gaps"][0]
    assert {"requirement", "kind", "expected", "actual", "shortfall", "reason", "source"} <= set(
        gap
    )
    assert gap["source"].startswith(str(ROOT / "inventory" / "rs" / "kikinda.yaml")) or gap[
        "source"
    ].startswith("inventory/rs/kikinda.yaml")


def test_gaps_csv_is_one_row_per_gap(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = lsg(["gaps", *COMMON, "-f", "csv"], monkeypatch, capsys)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and {r["kind"] for r in rows} == {k.value for k in GapKind}
    assert all(not r["reason"].startswith(("=", "+", "-", "@")) for r in rows)


def test_gaps_table_has_a_compliance_summary(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = lsg(["gaps", "vevcani", *COMMON], monkeypatch, capsys)
    assert code == 0, err
    assert "Compliance" in out and "mk-vevcani" in out


def test_gaps_bad_date_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = lsg(
        ["gaps", "-i", str(ROOT / "inventory"), "--today", "26.11.2026"], monkeypatch, capsys
    )
    assert code == 2 and "expected YYYY-MM-DD" in err


def test_blueprint_show_resolves_extends_and_overlay(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "blueprint",
        "show",
        "large",
        "--country",
        "MK",
        "-b",
        str(ROOT / "blueprints"),
        "-f",
        "json",
    ]
    code, out, err = lsg(args, monkeypatch, capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["chain"] == ["base", "small", "medium", "large", "mk-data-protection", "mk"]
    ids = [r["id"] for r in data["requirements"]]
    assert "servers" not in ids  # removed by medium
    assert "redundant-link" in ids and "eservice-uslugi" in ids
    [hosts] = [r for r in data["requirements"] if r["id"] == "virtualisation-hosts"]
    assert hosts["quantity"]["fixed"] == "3"  # large replaces medium's 2


def test_blueprint_show_unknown_tier(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = lsg(
        ["blueprint", "show", "huge", "-b", str(ROOT / "blueprints")], monkeypatch, capsys
    )
    assert code == 2 and "unknown tier 'huge'" in err
