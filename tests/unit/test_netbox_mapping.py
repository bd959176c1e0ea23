"""Pure parts of the NetBox sync: mapping, diff rules, settings, error wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from lsg_infra import api
from lsg_infra.errors import UsageError
from lsg_infra.model.inventory import Inventory
from lsg_infra.netbox import NetBoxSettings, load_settings
from lsg_infra.netbox.diff import change_set, same
from lsg_infra.netbox.fields import CUSTOM_FIELDS
from lsg_infra.netbox.model import NbObject, Ref, empty_state
from lsg_infra.netbox.sync import _describe_errors, inventory_document
from lsg_infra.netbox.to_netbox import asset_names, circuit_ids, desired_state

DATA = Path(__file__).parent.parent / "data" / "netbox"


@pytest.fixture(scope="module")
def testgrad() -> Inventory:
    [inv] = api.load_inventories([DATA / "inventory"], only=["rs-testgrad"])
    return inv


def test_desired_objects_of_one_lsg(testgrad: Inventory) -> None:
    state = desired_state([testgrad])
    counts = {kind: len(objs) for kind, objs in state.items() if objs}
    assert counts == {
        "tags": 1,
        "custom_fields": len(CUSTOM_FIELDS),
        "regions": 2,
        "tenant_groups": 1,
        "manufacturers": 6,
        "device_types": 7,
        "device_roles": 7,
        "platforms": 3,
        "cluster_types": 1,
        "providers": 2,
        "circuit_types": 3,
        "tenants": 1,
        "sites": 2,
        "clusters": 1,
        "devices": 8,
        "virtual_machines": 2,
        "circuits": 3,
        "circuit_terminations": 3,
    }
    district = state["regions"][("rs-north-banat",)]
    assert district.fields["parent"] == Ref("regions", ("rs",))
    tenant = state["tenants"][("rs-testgrad",)]
    assert tenant.fields["name"] == "Testgrad (RS)"
    assert tenant.fields["group"] == Ref("tenant_groups", ("lsg-rs",))
    assert tenant.fields["custom_fields"]["lsg_services"] == ["rs-euprava-portal", "rs-eid"]
    srv = state["devices"][("rs-testgrad", "srv-01")].fields
    assert srv["device_type"] == Ref("device_types", ("hpe", "proliant-dl380-gen9"))
    assert srv["site"] == Ref("sites", ("rs-testgrad-city-hall",))
    assert srv["custom_fields"]["lsg_end_of_support"] == "2021-12-31"
    ws = state["devices"][("rs-testgrad", "workstation#1")].fields
    assert ws["custom_fields"]["lsg_count"] == 6
    assert ws["device_type"] == Ref("device_types", ("unspecified", "unspecified-workstation"))
    vm = state["virtual_machines"][("rs-testgrad", "vm-web")].fields
    assert (vm["vcpus"], vm["memory"], vm["disk"]) == (2, 3584, 100_000)
    assert vm["cluster"] == Ref("clusters", ("rs-testgrad",))
    term = state["circuit_terminations"][("rs-testgrad/mobile#1", "A")].fields
    assert term["termination_id"] == Ref("sites", ("rs-testgrad-city-hall",))


def test_generated_names_cannot_clash_with_ids(testgrad: Inventory) -> None:
    names = asset_names(testgrad.assets)
    assert "virtual-machine#1" in names and "workstation#2" in names
    assert circuit_ids("rs-testgrad", testgrad.links) == [
        "rs-testgrad/main",
        "rs-testgrad/mobile#1",
        "rs-testgrad/dsl#1",
    ]


def test_same_tolerates_netbox_representations() -> None:
    assert same(64, 64.0) and same(4.5, "4.5000") and same("", None)
    assert not same(False, None) and not same(1, True)
    assert same({"a": [1, 2]}, {"a": [1.0, 2.0]})
    assert not same(Ref("sites", ("a",)), Ref("sites", ("b",)))


def test_new_object_is_created_existing_one_unchanged() -> None:
    desired = empty_state()
    current = empty_state()
    fields = {
        "name": "X (RS)",
        "slug": "rs-x",
        "group": None,
        "description": "",
        "custom_fields": {"lsg_population": 10},
    }
    desired["tenants"][("rs-x",)] = NbObject("tenants", ("rs-x",), fields)
    assert [c.action for c in change_set(desired, current).changes] == ["create"]
    have = {**fields, "description": None, "custom_fields": {"lsg_population": 10, "other": 1}}
    current["tenants"][("rs-x",)] = NbObject("tenants", ("rs-x",), have, id=5)
    result = change_set(desired, current)
    assert result.changes == () and result.unchanged == {"tenants": 1}


def test_untagged_objects_are_never_updated_or_pruned() -> None:
    desired = empty_state()
    current = empty_state()
    fields = {"name": "X (RS)", "slug": "rs-x", "group": None, "description": "old"}
    desired["tenants"][("rs-x",)] = NbObject("tenants", ("rs-x",), {**fields, "description": "new"})
    current["tenants"][("rs-x",)] = NbObject("tenants", ("rs-x",), fields, id=5, tagged=False)
    current["tenants"][("rs-y",)] = NbObject("tenants", ("rs-y",), fields, id=6, tagged=False)
    assert change_set(desired, current, prune=True).changes == ()


def test_status_is_set_on_create_only() -> None:
    desired = empty_state()
    current = empty_state()
    fields = {"name": "c", "type": None, "tenant": None, "status": "active"}
    desired["clusters"][("c",)] = NbObject("clusters", ("c",), fields)
    current["clusters"][("c",)] = NbObject(
        "clusters", ("c",), {**fields, "status": "offline"}, id=1
    )
    assert change_set(desired, current).changes == ()


def test_settings_from_env_and_file(tmp_path: Path) -> None:
    config = tmp_path / "netbox.toml"
    config.write_text('url = "https://127.0.0.1:8443/"\ntoken = "from-file"\n')
    s = load_settings(config, environ={})
    assert (s.url, s.token, s.verify) == ("https://127.0.0.1:8443", "from-file", True)
    s = load_settings(config, environ={"NETBOX_TOKEN": "from-env"})
    assert s.token == "from-env"
    assert "from-env" not in repr(s)
    with pytest.raises(UsageError, match="NETBOX_URL"):
        load_settings(None, environ={"XDG_CONFIG_HOME": str(tmp_path)})
    with pytest.raises(UsageError, match="does not exist"):
        load_settings(tmp_path / "missing.toml", environ={})


def test_settings_repr_hides_token() -> None:
    s = NetBoxSettings(url="http://127.0.0.1:8080", token="secret-token-value")
    assert "secret-token-value" not in repr(s) and "secret-token-value" not in str(s)


def test_validation_errors_name_object_and_field(testgrad: Inventory) -> None:
    from lsg_infra.netbox.model import Change

    chunk = [
        Change("devices", ("rs-testgrad", "a"), "create"),
        Change("devices", ("rs-testgrad", "b"), "create"),
    ]
    body = [{}, {"serial": ["Ensure this field has no more than 50 characters."]}]
    assert _describe_errors(body, chunk) == (
        "device rs-testgrad/b: serial: Ensure this field has no more than 50 characters."
    )
    assert _describe_errors({"custom_fields": {"lsg_count": ["bad"]}}, chunk) == (
        "one of 2 devices: custom_fields.lsg_count: bad"
    )


def test_document_uses_shorthand_and_leaves_defaults_out(testgrad: Inventory) -> None:
    doc = inventory_document(testgrad)
    assert doc["controls"]["firewall"] is True
    assert doc["controls"]["security-act"] is False
    assert "count" not in doc["assets"][0]
    assert list(doc) == [
        "municipality",
        "sites",
        "links",
        "assets",
        "software",
        "services",
        "controls",
        "website",
        "backup",
    ]
