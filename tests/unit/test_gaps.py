"""Gap analysis, table-driven: each case under tests/data/gaps/<case>/ holds an
inventory (rs-test.yaml), a blueprint (blueprint.yaml) and the gaps worked out by
hand (expected.yaml)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from lsg_infra import api
from lsg_infra.gaps import Assessment, analyse, assess, compliance
from lsg_infra.model.blueprint import ResolvedBlueprint, SoftwareSupport
from lsg_infra.model.gap import Family, GapKind
from lsg_infra.model.inventory import Inventory
from lsg_infra.readers import yamlfile
from lsg_infra.readers.blueprints import load_library
from lsg_infra.readers.files import load_inventory_file

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "data" / "gaps"
BLUEPRINTS = ROOT / "blueprints"
SAMPLES = ROOT / "inventory"
SAMPLE_DAY = dt.date(2026, 11, 26)


@cache
def software_support() -> SoftwareSupport:
    return SoftwareSupport.model_validate(yamlfile.load(BLUEPRINTS / "software_support.yaml").data)


def _requirement(data: dict[str, Any]) -> dict[str, Any]:
    # The cases leave out what does not change the analysis.
    return {
        "title": data["id"],
        "rationale": "test",
        "priority": 5,
        "severity": "medium",
        **data,
    }


def load_case(name: str) -> tuple[Inventory, ResolvedBlueprint, dt.date, list[dict[str, Any]]]:
    folder = CASES / name
    inventory, problems = load_inventory_file(folder / "rs-test.yaml")
    assert not problems, problems
    assert inventory is not None
    spec = yamlfile.load(folder / "blueprint.yaml").data
    blueprint = ResolvedBlueprint(
        tier="test",
        country="RS",
        chain=("test",),
        requirements=tuple(_requirement(r) for r in spec["requirements"]),
        software=software_support(),
    )
    expected = yamlfile.load(folder / "expected.yaml").data["gaps"]
    return inventory, blueprint, spec["today"], expected


CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_gives_the_hand_computed_gaps(name: str) -> None:
    inventory, blueprint, today, expected = load_case(name)
    gaps = analyse(inventory, blueprint, today)
    got = sorted(gaps, key=lambda g: (g.requirement, g.kind.value, g.site or ""))
    assert [(g.requirement, g.kind.value) for g in got] == [
        (e["requirement"], e["kind"]) for e in expected
    ]
    for gap, want in zip(got, expected, strict=True):
        assert gap.lsg == "rs-test"
        assert gap.shortfall == Decimal(str(want["shortfall"])), gap.reason
        assert gap.unit == want["unit"]
        assert gap.site == want.get("site")
        if "assets" in want:
            assert list(gap.assets) == want["assets"]
        if "source" in want:
            assert gap.source == f"{inventory.municipality.source.file}:{want['source']}"  # type: ignore[union-attr]
        assert gap.reason.endswith(".") and "\n" not in gap.reason
        assert gap.family is blueprint_family(blueprint, gap.requirement)


def blueprint_family(blueprint: ResolvedBlueprint, requirement: str) -> Family:
    return next(r.family for r in blueprint.requirements if r.id == requirement)


def test_every_gap_kind_has_a_hand_computed_case() -> None:
    kinds = {e["kind"] for name in CASE_NAMES for e in load_case(name)[3]}
    assert kinds == {k.value for k in GapKind}


def test_an_inventory_that_meets_its_blueprint_exactly_has_no_gaps() -> None:
    inventory, blueprint, today, _ = load_case("exact")
    assert analyse(inventory, blueprint, today) == []
    score = compliance(inventory, blueprint, [])
    assert score.score == 100.0 and score.met == score.requirements == 9


def test_one_unit_short_gives_exactly_one_gap_of_one_unit() -> None:
    inventory, blueprint, today, _ = load_case("one-short")
    [gap] = analyse(inventory, blueprint, today)
    assert (gap.kind, gap.shortfall) == (GapKind.MISSING, Decimal(1))
    assert gap.reason == "Has 9 workstations; the blueprint asks for 10 (1 per employee)."
    assert gap.remedies[0].quantity(gap.shortfall) == 1


def test_compliance_per_family_and_kpis() -> None:
    inventory, blueprint, today, _ = load_case("absent-service")
    result = assess(inventory, blueprint, today)
    c = result.compliance
    assert (c.requirements, c.met, c.score) == (3, 2, 66.7)
    by_family = {f.family: f for f in c.families}
    assert (by_family[Family.ESERVICES].met, by_family[Family.ESERVICES].requirements) == (2, 3)
    assert by_family[Family.EQUIPMENT].score == 100.0  # no requirement, nothing unmet
    assert c.kpis_reportable == ("EC: ICT: PS: 3A",) and c.kpis_blocked == ()


@pytest.fixture(scope="module")
def samples() -> list[Assessment]:
    return api.assess([SAMPLES], BLUEPRINTS, today=SAMPLE_DAY)


def test_gaps_are_sorted_by_severity_then_priority(samples: list[Assessment]) -> None:
    for a in samples:
        keys = [g.sort_key for g in a.gaps]
        assert keys == sorted(keys)


def test_samples_show_every_gap_kind(samples: list[Assessment]) -> None:
    seen = {g.kind for a in samples for g in a.gaps}
    assert seen == set(GapKind), f"missing from the samples: {set(GapKind) - seen}"


def test_every_remedy_item_is_in_the_catalogue(samples: list[Assessment]) -> None:
    catalogue = load_library(BLUEPRINTS).catalogue
    assert catalogue is not None
    items = {r.item for a in samples for g in a.gaps for r in g.remedies}
    assert items and all(item in catalogue for item in items)


def test_the_same_inputs_give_the_same_output(samples: list[Assessment]) -> None:
    folders = [SAMPLES / "rs", SAMPLES / "mk", SAMPLES / "me"]
    assert api.assess(folders, BLUEPRINTS, today=SAMPLE_DAY) == samples


def test_offsite_backup_control_counts_as_the_off_site_copy() -> None:
    # Inventories (and the sample generator) may say `offsite-backup: true` instead.
    inventory, blueprint, today, _ = load_case("absent-control")
    controls = {
        **inventory.controls,
        "offsite-backup": inventory.controls["firewall"],  # any control that is in place
    }
    other = inventory.model_copy(update={"controls": controls})
    before = {g.requirement for g in analyse(inventory, blueprint, today)}
    after = {g.requirement for g in analyse(other, blueprint, today)}
    assert before - after == {"control-backup"}
