"""Properties of the gap analysis that must hold for any inventory (hypothesis)."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lsg_infra.gaps import analyse
from lsg_infra.model.blueprint import BlueprintLibrary, ResolvedBlueprint
from lsg_infra.model.gap import GapKind
from lsg_infra.model.inventory import Inventory
from lsg_infra.readers.blueprints import require_library
from lsg_infra.readers.files import load_inventories, require_valid

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 26)
EQUIPMENT_KINDS = [
    "workstation",
    "laptop",
    "server",
    "switch",
    "firewall",
    "ups",
    "storage",
    "access-point",
    "printer",
]


@cache
def library() -> BlueprintLibrary:
    return require_library(ROOT / "blueprints")


@cache
def samples() -> tuple[Inventory, ...]:
    return tuple(require_valid(load_inventories([ROOT / "inventory"])))


def blueprint(country: str = "RS", tier: str = "medium") -> ResolvedBlueprint:
    return library().resolve(tier, country)  # type: ignore[arg-type]


assets = st.builds(
    lambda kind, count, year, ram, role: {
        "kind": kind,
        "site": "hall",
        "count": count,
        **({"purchased": year} if year else {}),
        **({"ram_gb": ram} if ram else {}),
        **({"roles": [role]} if kind == "server" and role else {}),
    },
    st.sampled_from(EQUIPMENT_KINDS),
    st.integers(1, 30),
    st.one_of(st.none(), st.integers(2005, 2026)),
    st.one_of(st.none(), st.sampled_from([4, 8, 16, 64, 256])),
    st.one_of(st.none(), st.sampled_from(["virtualisation", "file"])),
)


def inventory(records: list[dict[str, Any]], employees: int) -> Inventory:
    return Inventory.model_validate(
        {
            "municipality": {
                "id": "rs-prop",
                "name": "Prop",
                "country": "RS",
                "population": 20000,
                "employees": employees,
            },
            "sites": [
                {
                    "id": "hall",
                    "name": "Hall",
                    "roles": ["headquarters", "service-centre"],
                    "server_room": True,
                },
                {"id": "office", "name": "Office", "roles": ["local-office"]},
            ],
            "assets": records,
        }
    )


def shortfalls(inv: Inventory, bp: ResolvedBlueprint) -> dict[tuple[str, GapKind], Decimal]:
    out: dict[tuple[str, GapKind], Decimal] = {}
    for gap in analyse(inv, bp, TODAY):
        if gap.family.value == "equipment":
            out[(gap.requirement, gap.kind)] = (
                out.get((gap.requirement, gap.kind), 0) + gap.shortfall
            )
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(assets, max_size=12), assets, st.integers(1, 300))
def test_adding_an_asset_never_increases_a_quantity_shortfall(
    records: list[dict[str, Any]], extra: dict[str, Any], employees: int
) -> None:
    bp = blueprint()
    before = shortfalls(inventory(records, employees), bp)
    after = shortfalls(inventory([*records, extra], employees), bp)
    requirements = {r for r, _ in before} | {r for r, _ in after}
    for requirement in requirements:
        # Units missing never grow ...
        missing = (requirement, GapKind.MISSING)
        assert after.get(missing, 0) <= before.get(missing, 0)
        # ... and neither do the units to buy, whatever the reason (missing, old, weak).
        total_before = sum(v for (r, _), v in before.items() if r == requirement)
        total_after = sum(v for (r, _), v in after.items() if r == requirement)
        assert total_after <= total_before, (requirement, before, after)


def test_analysis_never_mutates_its_inputs() -> None:
    for inv in samples():
        bp = library().for_inventory(
            inv.municipality.tier, inv.municipality.population, inv.municipality.country
        )
        inv_before = copy.deepcopy(inv.model_dump())
        bp_before = copy.deepcopy(bp.model_dump())
        sources_before = [a.source for a in inv.assets]
        analyse(inv, bp, TODAY)
        assert inv.model_dump() == inv_before
        assert bp.model_dump() == bp_before
        assert [a.source for a in inv.assets] == sources_before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(samples()) - 1), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_record_order(index: int, rnd: Any) -> None:
    inv = samples()[index]
    m = inv.municipality
    bp = library().for_inventory(m.tier, m.population, m.country)
    shuffled: dict[str, Any] = {}
    for name in ("sites", "links", "assets", "software", "services"):
        items = list(getattr(inv, name))
        rnd.shuffle(items)
        shuffled[name] = items
    controls = list(inv.controls.items())
    rnd.shuffle(controls)
    shuffled["controls"] = dict(controls)
    # model_copy keeps the very same records, with their file:line sources
    other = inv.model_copy(update=shuffled)
    assert analyse(other, bp, TODAY) == analyse(inv, bp, TODAY)


def test_results_do_not_depend_on_file_order() -> None:
    forward = require_valid(
        load_inventories([ROOT / "inventory" / "rs", ROOT / "inventory" / "me"])
    )
    backward = require_valid(
        load_inventories([ROOT / "inventory" / "me", ROOT / "inventory" / "rs"])
    )
    lib = library()

    def run(invs: list[Inventory]) -> list[Any]:
        return [
            analyse(
                i,
                lib.for_inventory(
                    i.municipality.tier, i.municipality.population, i.municipality.country
                ),
                TODAY,
            )
            for i in invs
        ]

    assert run(forward) == run(backward)
