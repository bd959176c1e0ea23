"""api.blueprint_for: the blueprint of one LSG, from its pinned tier or its population."""

from __future__ import annotations

from pathlib import Path

from lsg_infra import api

ROOT = Path(__file__).resolve().parents[2]


def test_blueprint_for_takes_the_population_tier_unless_one_is_pinned() -> None:
    library = api.load_blueprints(ROOT / "blueprints")
    [kikinda] = api.load_inventories([ROOT / "inventory"], only=["rs-kikinda"])
    assert kikinda.municipality.tier is None

    by_population = api.blueprint_for(kikinda, library)
    assert by_population.country == "RS"
    assert by_population.chain[-1] == "rs"
    assert "medium" in by_population.chain  # 49,326 inhabitants

    municipality = kikinda.municipality.model_copy(update={"tier": "small"})
    pinned = api.blueprint_for(kikinda.model_copy(update={"municipality": municipality}), library)
    assert "small" in pinned.chain
    assert "medium" not in pinned.chain
