"""Tiers at both ends: very small LSGs get shared services instead of a server room,
the capitals a metropolitan tier of their own, and a city of 106,000 neither."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from lsg_infra.gaps.equipment import EquipmentRequirement
from lsg_infra.model.blueprint import BlueprintLibrary
from lsg_infra.readers import lsg_reference
from lsg_infra.readers.blueprints import load_library

ROOT = Path(__file__).resolve().parents[2]


def library() -> BlueprintLibrary:
    result = load_library(ROOT / "blueprints")
    assert result.library is not None, result.problems
    return result.library


def test_tiers_by_population_at_the_bounds() -> None:
    lib = library()
    assert lib.tier_of(3_002).id == "shared"  # Žabljak
    assert lib.tier_of(4_999).id == "shared"
    assert lib.tier_of(5_000).id == "small"
    assert lib.tier_of(106_000).id == "city"
    assert lib.tier_of(499_999).id == "city"
    assert lib.tier_of(526_502).id == "metropolitan"  # Skopje
    known = lsg_reference.load(ROOT / "blueprints" / "reference" / "lsgs.csv")
    belgrade = known["rs-beograd"].population
    assert belgrade is not None and lib.tier_of(belgrade).id == "metropolitan"


def test_a_very_small_lsg_gets_shared_services_not_a_server_room() -> None:
    resolved = library().resolve("shared", "ME")
    ids = {r.id for r in resolved.requirements}
    assert {"servers", "backup-storage", "backup-software", "firewall"}.isdisjoint(ids)
    assert {"hosted-infrastructure", "managed-firewall", "dms", "it-staff"} <= ids
    items = {r.id: [x.item for x in r.remedy] for r in resolved.requirements}
    assert items["it-staff"] == ["it-support-shared"]
    assert items["dms"] == ["hosted-eoffice-service"]
    assert "dp-dpo" in ids  # the law applies whatever the size


def test_the_metropolitan_tier_adds_what_a_city_does_not_need() -> None:
    lib = library()
    city = {r.id: r for r in lib.resolve("city", "RS").requirements}
    metro = {r.id: r for r in lib.resolve("metropolitan", "RS").requirements}
    assert "security-monitoring" in metro and "security-monitoring" not in city
    metro_hosts = cast(EquipmentRequirement, metro["virtualisation-hosts"])
    city_hosts = cast(EquipmentRequirement, city["virtualisation-hosts"])
    assert metro_hosts.quantity.fixed > city_hosts.quantity.fixed
