"""`lsg blueprint show` describes every requirement kind of every tier and country.

A new requirement kind (website, #13) reached `rule` unknown and `blueprint show`
stopped with an internal error; this walks all of them."""

from __future__ import annotations

import pytest

from lsg_infra import api, bundled
from lsg_infra.cli.blueprint import rule
from lsg_infra.model.blueprint import BlueprintCountry

LIBRARY = api.load_blueprints(bundled.blueprints())


@pytest.mark.parametrize("country", ["RS", "ME", "MK"])
def test_every_requirement_of_every_tier_is_described(country: BlueprintCountry) -> None:
    kinds = set()
    for tier in LIBRARY.tiers.tiers:
        for requirement in LIBRARY.resolve(tier.id, country).requirements:
            assert rule(requirement).strip(), requirement.id
            kinds.add(requirement.kind)
    assert "website" in kinds
