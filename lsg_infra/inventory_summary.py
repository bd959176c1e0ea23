"""Inventories as plain data for `lsg inventory list` (one row per LSG) and `lsg inventory
show` (everything recorded, with source lines), and their JSON output (pure)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from lsg_infra.model.inventory import Inventory


def inventory_row(inv: Inventory, tier: str | None = None) -> dict[str, Any]:
    """One LSG in one line: id, names, country, district, population, tier, staff,
    number of sites and assets, and `by_kind` ({'workstation': 196, ...}).
    """
    m = inv.municipality
    by_kind: Counter[str] = Counter()
    for asset in inv.assets:
        by_kind[asset.kind.value] += asset.count
    return {
        "id": m.id,
        "name": m.name,
        "name_local": m.name_local,
        "country": m.country,
        "district": m.district,
        "population": m.population,
        "tier": tier or m.tier,
        "employees": m.employees,
        "it_staff": m.it_staff,
        "sites": len(inv.sites),
        "assets": sum(by_kind.values()),
        "by_kind": dict(sorted(by_kind.items())),
    }


def inventory_detail(inv: Inventory, tier: str | None = None) -> dict[str, Any]:
    """Everything recorded for one LSG, with the source line of each record."""
    data = inv.model_dump(mode="json", exclude_none=True, by_alias=False)
    for name in ("sites", "links", "assets", "software"):
        for record, out in zip(getattr(inv, name), data[name], strict=True):
            out["source"] = str(record.source) if record.source else None
            out.setdefault("id", None)
    data["tier"] = tier or inv.municipality.tier
    data.pop("schema_version", None)
    return data
