"""Replay of NetBox 4.7.3's real answers (tests/data/netbox/records.json, recorded
by tests/data/netbox/record.py after a push of tests/data/netbox/inventory)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lsg_infra import api
from lsg_infra.model.inventory import Inventory
from lsg_infra.netbox import (
    change_set,
    desired_state,
    inventory_dicts_from_state,
    state_from_records,
)
from lsg_infra.netbox.model import Ref

DATA = Path(__file__).parent.parent / "data" / "netbox"


@pytest.fixture(scope="module")
def records() -> dict[str, Any]:
    data = json.loads((DATA / "records.json").read_text(encoding="utf-8"))
    assert data.pop("_netbox_version") == ["4.7.3"]
    return dict(data)


def comparable(inv: Inventory) -> dict[str, Any]:
    doc = inv.model_dump(mode="json")
    doc["assets"].sort(key=lambda a: a["kind"] == "virtual-machine")
    return doc


def test_recorded_state_matches_inventory_exactly(records: dict[str, Any]) -> None:
    invs = api.load_inventories([DATA / "inventory"])
    current = state_from_records(records)
    result = change_set(desired_state(invs), current)
    assert result.changes == ()
    assert result.unchanged["devices"] == 9


def test_recorded_state_pulls_back_to_the_inventory(records: dict[str, Any]) -> None:
    invs = api.load_inventories([DATA / "inventory"])
    docs = inventory_dicts_from_state(state_from_records(records))
    pulled = sorted((Inventory.model_validate(d) for d in docs), key=lambda i: i.id)
    assert [comparable(i) for i in pulled] == [comparable(i) for i in invs]


def test_nested_references_become_natural_keys(records: dict[str, Any]) -> None:
    state = state_from_records(records)
    vm = state["virtual_machines"][("rs-testgrad", "vm-web")]
    assert vm.tagged and vm.id is not None
    assert vm.fields["cluster"] == Ref("clusters", ("rs-testgrad",))
    assert vm.fields["status"] == "active"
    # the VM's host is NetBox's own device link, and the host is in the VM's cluster
    assert vm.fields["device"] == Ref("devices", ("rs-testgrad", "srv-01"))
    host = state["devices"][("rs-testgrad", "srv-01")]
    assert host.fields["cluster"] == Ref("clusters", ("rs-testgrad",))
    assert state["devices"][("rs-testgrad", "sw-core")].fields["cluster"] is None
    term = state["circuit_terminations"][("rs-testgrad/main", "A")]
    assert term.fields["termination_id"] == Ref("sites", ("rs-testgrad-city-hall",))
    district = state["regions"][("rs-north-banat",)]
    assert district.fields["parent"] == Ref("regions", ("rs",))


def test_an_edit_in_netbox_shows_as_one_update(records: dict[str, Any]) -> None:
    edited = json.loads(json.dumps(records))
    [sw] = [d for d in edited["devices"] if d["name"] == "sw-core"]
    sw["custom_fields"]["lsg_ports"] = 24
    sw["description"] = "someone's note: not managed, not compared"
    invs = api.load_inventories([DATA / "inventory"])
    result = change_set(desired_state(invs), state_from_records(edited))
    [change] = result.changes
    assert (change.kind, change.key, change.action) == (
        "devices",
        ("rs-testgrad", "sw-core"),
        "update",
    )
    assert change.before["custom_fields"]["lsg_ports"] == 24


class Replay:
    """The recorded answers as a Transport: NetBox's filters are not applied."""

    page_size = 1000

    def __init__(self, records: dict[str, Any]) -> None:
        self.records = records

    def read_all(self, kind: Any, filters: Any) -> list[dict[str, Any]]:
        return list(self.records.get(kind.name, []))


def test_a_pull_reports_every_bad_object_by_name(records: dict[str, Any]) -> None:
    """Two bad devices of two LSGs: both reported, each naming the object to fix in
    NetBox (the old pull stopped at the first, with no object)."""
    from lsg_infra.errors import InputError
    from lsg_infra.netbox import pull

    edited = json.loads(json.dumps(records))
    devices = {d["name"]: d for d in edited["devices"]}
    devices["srv-01"]["custom_fields"]["lsg_ram_gb"] = -8
    devices["laptop#1"]["custom_fields"]["lsg_purchased"] = "long ago"
    with pytest.raises(InputError) as info:
        pull(Replay(edited))  # type: ignore[arg-type]
    shown = [str(p) for p in info.value.problems]
    assert len(shown) == 2, shown
    # NetBox's ids depend on what the recording server held before: read them.
    laptop, srv = devices["laptop#1"]["id"], devices["srv-01"]["id"]
    assert shown[0].startswith(f"netbox:dcim.devices/{laptop} (laptop#1): purchased: ")
    assert shown[1].startswith(f"netbox:dcim.devices/{srv} (srv-01): ram_gb: ")
    assert shown[1].endswith("must be more than 0.0, got -8")


def test_a_pull_names_the_tenant_for_the_municipality(records: dict[str, Any]) -> None:
    """Problems outside a listed record (the municipality, software ...) belong to the
    tenant, and keep the inventory's path of the field."""
    from lsg_infra.errors import InputError
    from lsg_infra.netbox import pull

    edited = json.loads(json.dumps(records))
    [malo] = [t for t in edited["tenants"] if t["slug"] == "me-malo"]
    malo["custom_fields"]["lsg_population"] = -1
    with pytest.raises(InputError) as info:
        pull(Replay(edited))  # type: ignore[arg-type]
    [problem] = info.value.problems
    assert str(problem).startswith(
        f"netbox:tenancy.tenants/{malo['id']} (me-malo): municipality.population: "
    )


def test_a_valid_pull_still_gives_every_inventory(records: dict[str, Any]) -> None:
    from lsg_infra.netbox import pull

    pulled = pull(Replay(records))  # type: ignore[arg-type]
    assert sorted(i.id for i in pulled) == ["me-malo", "rs-testgrad"]


def test_the_recorded_inventories_use_every_section_of_the_inventory() -> None:
    # The pull-back test above only protects the sections these inventories
    # have: a section the mapping forgot (backup was one) vanished on a pull.
    invs = api.load_inventories([DATA / "inventory"])
    used = {k for inv in invs for k in inv.model_dump(exclude_defaults=True)}
    assert set(Inventory.model_fields) - {"schema_version"} <= used


def test_the_offsite_backup_target_survives_push_and_pull(records: dict[str, Any]) -> None:
    (tenant,) = [t for t in records["tenants"] if t["slug"] == "rs-testgrad"]
    offsite = tenant["custom_fields"]["lsg_backup"]["offsite"]
    assert offsite["repository"] == "rest:https://backup.zrenjanin.example.org:8443/rs-testgrad"
    docs = inventory_dicts_from_state(state_from_records(records))
    (pulled,) = [d for d in docs if d["municipality"]["id"] == "rs-testgrad"]
    assert (
        Inventory.model_validate(pulled).backup
        == next(
            i for i in api.load_inventories([DATA / "inventory"]) if i.id == "rs-testgrad"
        ).backup
    )
