"""A country's name is written twice on purpose (#16, docs/architecture.md "What moved
where"): `model/inventory.COUNTRY_NAMES`, for NetBox regions and `lsg init`, which run
without blueprints/, and `name` in blueprints/countries.yaml, beside the rates a plan
shows. This keeps the two equal."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from lsg_infra.model.inventory import COUNTRY_NAMES, Country
from lsg_infra.readers.catalogue import load_rates

COUNTRIES_YAML = Path(__file__).resolve().parents[2] / "blueprints" / "countries.yaml"


def test_countries_yaml_names_each_country_as_the_code_does() -> None:
    rates, problems = load_rates(COUNTRIES_YAML)
    assert problems == [] and rates is not None
    assert {cc: r.name for cc, r in rates.items()} == COUNTRY_NAMES


def test_every_country_code_has_a_name() -> None:
    assert set(COUNTRY_NAMES) == set(get_args(Country))
