"""The committed JSON Schema (schemas/inventory.schema.json) is the one the model generates,
and the sample inventories are valid and varied enough to exercise every gap kind."""

from __future__ import annotations

import json
from pathlib import Path

from lsg_infra.model.inventory import AssetKind
from lsg_infra.model.schema import inventory_schema
from lsg_infra.readers.files import load_inventories, require_valid

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_matches_the_model() -> None:
    committed = json.loads((ROOT / "schemas" / "inventory.schema.json").read_text("utf-8"))
    assert committed == inventory_schema(), (
        "schemas/inventory.schema.json is stale; run "
        "`lsg schema inventory --out schemas/inventory.schema.json`"
    )


def test_sample_inventories_are_valid_and_cover_the_range() -> None:
    inventories = require_valid(load_inventories([ROOT / "inventory"]))
    assert len(inventories) >= 9
    assert {inv.municipality.country for inv in inventories} == {"RS", "ME", "MK"}
    populations = [inv.municipality.population for inv in inventories]
    assert min(populations) < 10_000 < 100_000 < max(populations)


def test_sample_inventories_point_at_the_schema() -> None:
    for path in sorted((ROOT / "inventory").glob("*/*.yaml")):
        head = path.read_text("utf-8").splitlines()[:8]
        assert "# yaml-language-server: $schema=../../schemas/inventory.schema.json" in head, path
        assert any("ILLUSTRATIVE" in line for line in head), path


def test_sample_inventories_exhibit_every_gap_kind() -> None:
    inventories = require_valid(load_inventories([ROOT / "inventory"]))
    oses = {(a.os.name, a.os.version) for inv in inventories for a in inv.assets if a.os}
    assert {("Windows", "7"), ("Windows Server", "2012 R2"), ("Debian", "10")} <= oses
    assert any(
        a.purchased and a.purchased <= 2013 and a.kind is AssetKind.SERVER
        for inv in inventories
        for a in inv.assets
    )

    def lacks(kind: AssetKind) -> bool:
        return any(inv.asset_count(kind) == 0 for inv in inventories)

    assert lacks(AssetKind.UPS) and lacks(AssetKind.FIREWALL) and lacks(AssetKind.STORAGE)
    assert any(link.down_mbps < 20 for inv in inventories for link in inv.links)
    assert any(not any(link.redundant for link in inv.links) for inv in inventories)
    assert any(not inv.services for inv in inventories)
    assert any(
        "incident-response" not in inv.controls or not inv.controls["incident-response"].in_place
        for inv in inventories
    )
    assert any(inv.municipality.it_staff == 0 for inv in inventories)
    assert any(
        inv.municipality.trained_staff < 0.2 * inv.municipality.employees for inv in inventories
    )
    # one compliant-ish LSG: every listed control in place, redundant links, recent OS
    assert any(
        all(c.in_place for c in inv.controls.values())
        and len(inv.controls) >= 7
        and any(link.redundant for link in inv.links)
        for inv in inventories
    )
