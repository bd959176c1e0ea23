"""`lsg validate` on broken blueprints and inventories: one line with file:line each, exit 2."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from lsg_infra.cli.main import main
from lsg_infra.readers.blueprints import load_library

ROOT = Path(__file__).resolve().parents[2]
BLUEPRINTS = ROOT / "blueprints"
SAMPLES = ROOT / "inventory"
BASE = "requirements/base.yaml"
KIKINDA = SAMPLES / "rs" / "kikinda.yaml"


def run_out(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `lsg ARGS`, run the way the console script runs it."""
    monkeypatch.setattr(sys, "argv", ["lsg", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    captured = capsys.readouterr()
    return int(exit_.value.code or 0), captured.out, captured.err


def run(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    code, _, err = run_out(args, monkeypatch, capsys)
    return code, err


@pytest.fixture
def blueprints(tmp_path: Path) -> Path:
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints", ignore=shutil.ignore_patterns("reference"))
    return tmp_path / "blueprints"


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` by `new` once; the line number (1-based) where `new` starts."""
    text = path.read_text("utf-8")
    assert text.count(old) >= 1, old
    index = text.index(old)
    path.write_text(text.replace(old, new, 1), "utf-8")
    return text.count("\n", 0, index) + 1


def test_the_shipped_blueprints_are_valid() -> None:
    result = load_library(BLUEPRINTS)
    assert result.problems == []
    assert result.library is not None and result.catalogue is not None


def test_validate_covers_blueprints_and_samples(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(
        ["validate", str(SAMPLES), "--blueprints", str(BLUEPRINTS)], monkeypatch, capsys
    )
    assert code == 0, err
    assert "all valid" in err


# (file, text to replace, replacement, line offset from the replaced text, expected message)
BAD_BLUEPRINTS = [
    pytest.param(
        BASE,
        "    kind: equipment\n    title: Workstations",
        "    kind: equipmnt\n    title: Workstations",
        0,
        "unknown requirement kind 'equipmnt' (did you mean 'equipment'?)",
        id="unknown-kind",
    ),
    pytest.param(
        BASE,
        "quantity: {per_employee: 1}",
        "quantity: {per_employe: 1}",
        0,
        "unknown key 'per_employe' (did you mean 'per_employee'?)",
        id="quantity-typo",
    ),
    pytest.param(
        BASE,
        "quantity: {per_employee: 1}",
        "quantity: {per_employee: 0}",
        0,
        "a quantity rule needs at least one of",
        id="quantity-zero",
    ),
    pytest.param(
        BASE,
        "quantity: {per_employee: 1}",
        "quantity: {per_employee: -1}",
        0,
        "must be at least 0",
        id="quantity-negative",
    ),
    pytest.param(
        BASE,
        "remedy: [{item: workstation}, {item: monitor, kinds: [missing, obsolete]}]",
        "remedy: [{item: workstaton}, {item: monitor, kinds: [missing, obsolete]}]",
        0,
        "unknown catalogue item 'workstaton' (did you mean 'workstation'?)",
        id="unknown-item",
    ),
    pytest.param(
        BASE,
        "    max_age_years: 10\n",
        "    max_age_years: 12\n",
        2,
        "requirement 'switches' calls a switch obsolete after 12 years, but catalogue item "
        "'switch-access' that replaces it lasts 10 (lifetime_years)",
        id="lifetime-disagrees-with-obsolescence",
    ),
    pytest.param(
        BASE,
        "remedy: [{item: offsite-backup-service, per_unit: 0, fixed: 1}]",
        "remedy: [{item: offsite-backup-service, per_unit: 0, fixed: 12}]",
        0,
        "catalogue item 'offsite-backup-service' is billed monthly and the plan already "
        "makes its price yearly (x12)",
        id="monthly-item-counted-in-months",
    ),
    pytest.param(
        "requirements/countries/rs.yaml",
        "service: rs-ezup",
        "service: rs-ezpu",
        0,
        "unknown eService 'rs-ezpu' (did you mean 'rs-ezup'?)",
        id="unknown-eservice",
    ),
    pytest.param(
        "requirements/countries/rs.yaml",
        "service: rs-ezup",
        "service: mk-uslugi",
        0,
        "eService 'mk-uslugi' is of MK, not RS",
        id="eservice-of-other-country",
    ),
    pytest.param(
        BASE,
        "control: incident-response",
        "control: incident-respons",
        0,
        "unknown control 'incident-respons' (did you mean 'incident-response'?)",
        id="unknown-control",
    ),
    pytest.param(
        BASE,
        'kpis: ["EC: ICT: ICT: 5C"]',
        'kpis: ["EC: ICT: ICT: 9C"]',
        0,
        "unknown U4SSC KPI 'EC: ICT: ICT: 9C'",
        id="unknown-kpi",
    ),
    pytest.param(
        "requirements/tiers/small.yaml",
        "extends: [base]",
        "extends: [bsae]",
        0,
        "unknown blueprint 'bsae' (did you mean 'base'?)",
        id="unknown-parent",
    ),
    pytest.param(
        BASE,
        "  name: Common base for every LSG\n",
        "  name: Common base for every LSG\n  extends: [city]\n",
        1,
        "'extends' forms a cycle: base -> city -> large -> medium -> small -> base",
        id="extends-cycle",
    ),
    pytest.param(
        "requirements/tiers/medium.yaml",
        "remove: [servers]",
        "remove: [server]",
        0,
        "'server' is not a requirement of a parent blueprint (did you mean 'servers'?)",
        id="bad-remove",
    ),
    pytest.param(
        BASE,
        "    min_share: 0.6\n",
        "",
        -1,
        "metric trained-share needs 'min_share'",
        id="capacity-without-share",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "offset", "message"), BAD_BLUEPRINTS)
def test_bad_blueprint_is_one_line_with_file_and_line(
    blueprints: Path,
    file: str,
    old: str,
    new: str,
    offset: int,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = edit(blueprints / file, old, new) + offset
    code, err = run(
        ["validate", str(SAMPLES), "--blueprints", str(blueprints)], monkeypatch, capsys
    )
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[-1].endswith("found")
    [problem] = [ln for ln in lines if message in ln]
    assert f"{file}:" in problem
    if offset >= 0:
        assert f"{file}:{line}:" in problem, problem
    assert "Traceback" not in err


def test_missing_quantity_rule_points_at_the_requirement(
    blueprints: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    line = edit(
        blueprints / BASE,
        "    quantity: {per_site: 1}\n    max_age_years: 7\n",
        "    max_age_years: 7\n",
    )
    code, err = run(["validate", str(KIKINDA), "-b", str(blueprints)], monkeypatch, capsys)
    assert code == 2
    assert "requirements[1].quantity: required key is missing" in err
    assert f"{BASE}:" in err and line > 0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("services: [rs-euprava-portal, rs-eid]", "services: [rs-euprava-portal, rs-eidd]",
         "services[1]: unknown eService 'rs-eidd' (did you mean 'rs-eid'?)"),
        ("services: [rs-euprava-portal, rs-eid]", "services: [rs-euprava-portal, mk-uslugi]",
         "services[1]: eService 'mk-uslugi' is of MK, not RS"),
        ("  security-act: false", "  security-akt: false",
         "controls.security-akt: unknown control 'security-akt' (did you mean 'security-act'?)"),
    ],
)  # fmt: skip
def test_inventory_ids_are_checked_against_the_blueprints(
    tmp_path: Path, old: str, new: str, message: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    folder = tmp_path / "inventory" / "rs"
    folder.mkdir(parents=True)
    target = folder / "kikinda.yaml"
    shutil.copy(SAMPLES / "rs" / "kikinda.yaml", target)
    line = edit(target, old, new)
    code, err = run(
        ["validate", str(tmp_path / "inventory"), "-b", str(BLUEPRINTS)], monkeypatch, capsys
    )
    assert code == 2
    assert f"kikinda.yaml:{line}: {message}" in err, err


def test_unknown_pinned_tier_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "inventory" / "rs"
    folder.mkdir(parents=True)
    target = folder / "kikinda.yaml"
    shutil.copy(SAMPLES / "rs" / "kikinda.yaml", target)
    edit(target, "  employees: 240\n", "  employees: 240\n  tier: meduim\n")
    code, err = run(
        ["gaps", "-i", str(tmp_path / "inventory"), "-b", str(BLUEPRINTS)], monkeypatch, capsys
    )
    assert code == 2
    assert "municipality.tier: unknown tier 'meduim' (did you mean 'medium'?)" in err


def test_pinned_tier_wins_over_population(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "inventory" / "rs"
    folder.mkdir(parents=True)
    target = folder / "kikinda.yaml"
    shutil.copy(SAMPLES / "rs" / "kikinda.yaml", target)
    edit(target, "  employees: 240\n", "  employees: 240\n  tier: large\n")
    args = ["gaps", "-i", str(tmp_path / "inventory"), "-b", str(BLUEPRINTS), "-f", "json"]
    code, out, err = run_out(args, monkeypatch, capsys)
    assert code == 0, err
    [lsg] = json.loads(out)["lsgs"]
    assert (lsg["lsg"], lsg["tier"]) == ("rs-kikinda", "large")  # 49,326 people alone: medium
    assert any(g["requirement"] == "redundant-link" for g in lsg["gaps"])
