"""The one table of requirement kinds (`lsg_infra/gaps/kinds.py`) is what everything reads.

Before #16 a kind was listed in five places (its class, the `Requirement` union, the
`REQUIREMENT_KINDS` names, the `AnyRequirement` union, a branch of the gap check and one
of `lsg blueprint show`); these tests hold the places that now derive from the table to it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lsg_infra import api, bundled
from lsg_infra.gaps import kinds
from lsg_infra.gaps.common import Context
from lsg_infra.model.blueprint import Blueprint
from lsg_infra.model.gap import Family
from lsg_infra.model.inventory import Inventory

LIBRARY = api.load_blueprints(bundled.blueprints())


def _bundled_requirements() -> dict[str, Any]:
    """One bundled requirement of each kind, by kind name."""
    found: dict[str, Any] = {}
    for blueprint in LIBRARY.blueprints.values():
        for requirement in blueprint.requirements:
            found.setdefault(requirement.kind, requirement)
    return found


def test_the_blueprint_union_accepts_exactly_the_kinds_of_the_table() -> None:
    schema = Blueprint.model_json_schema()
    union = schema["properties"]["requirements"]["items"]["discriminator"]["mapping"]
    assert sorted(union) == sorted(kinds.REQUIREMENT_KINDS)


def test_every_kind_has_a_family_a_rule_and_a_check() -> None:
    requirements = _bundled_requirements()
    # Every registered kind is used by the bundled blueprints, so each is exercised here.
    assert set(requirements) == set(kinds.REQUIREMENT_KINDS)
    for name, requirement in requirements.items():
        assert isinstance(requirement, kinds.REQUIREMENT_KINDS[name])
        assert isinstance(requirement.family, Family)
        assert requirement.rule().strip()


INVENTORY = Inventory.model_validate(
    {
        "municipality": {
            "id": "rs-old",
            "name": "Old",
            "country": "RS",
            "population": 1000,
            "employees": 10,
        },
        "sites": [{"id": "hq", "name": "Town hall", "roles": ["headquarters"]}],
        "assets": [
            {
                "id": "ws",
                "kind": "workstation",
                "site": "hq",
                "count": 2,
                "purchased": 2010,
                "os": {"name": "Windows", "version": "7"},
            },
        ],
        "software": [{"name": "Microsoft Office", "category": "office", "version": "2010"}],
    }
)


@pytest.mark.parametrize("name", sorted(kinds.REQUIREMENT_KINDS))
def test_each_kind_is_dispatched_to_its_own_check(name: str) -> None:
    ctx = Context(
        inventory=INVENTORY,
        blueprint=LIBRARY.resolve("small", "RS"),
        today=dt.date(2026, 11, 26),
        assets_by_kind={a.kind: (a,) for a in INVENTORY.assets},
        seats=2,
    )
    found = 0
    for blueprint in LIBRARY.blueprints.values():
        for requirement in blueprint.requirements:
            if requirement.kind != name:
                continue
            gaps = kinds.check(ctx, requirement)
            assert {g.requirement for g in gaps} <= {requirement.id}
            found += len(gaps)
    # An old town hall with little recorded lacks something of every kind.
    assert found, name


def test_an_unregistered_kind_is_not_silently_checked_by_another() -> None:
    # The isinstance chain this replaces sent anything unknown to the capacity check.
    class Unknown(kinds.REQUIREMENT_KINDS["capacity"]):  # type: ignore[misc,valid-type]
        pass

    capacity = _bundled_requirements()["capacity"]
    with pytest.raises(KeyError):
        kinds.check(None, Unknown.model_validate(capacity.model_dump()))  # type: ignore[arg-type]
