"""The sync end to end against an in-memory NetBox that answers like the real API.

The fake stores NetBox-shaped JSON (nested foreign keys, choice objects, tag
objects, merged custom fields on PATCH), so push, pull, idempotence, pruning and
error reporting are exercised without a server. Integration tests repeat the
important cases against real NetBox.
"""

from __future__ import annotations

import copy
import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from lsg_infra import api
from lsg_infra.model.inventory import Inventory
from lsg_infra.netbox import ChunkFailed, NetBoxRequestFailed, pull, push, write_inventories
from lsg_infra.netbox.decode import FIELDS
from lsg_infra.netbox.model import KINDS, TAG_SLUG, Kind

DATA = Path(__file__).parent.parent / "data" / "netbox"
CHOICES = {"status", "type"}


class FakeNetBox:
    """Enough of NetBox's REST API for the sync: list with filters, bulk writes."""

    page_size = 4  # small, so that chunking is exercised

    def __init__(self) -> None:
        self.db: dict[str, dict[int, dict[str, Any]]] = {k: {} for k in KINDS}
        self.ids = itertools.count(1)
        self.requests: Counter[str] = Counter()
        self.fail_on: tuple[str, str] | None = None  # (kind, name) rejected on create

    def _tag_slug(self, tag_id: int) -> str:
        return str(self.db["tags"][tag_id]["slug"])

    def _store(self, kind: Kind, record: dict[str, Any], body: Mapping[str, Any]) -> None:
        for name, value in body.items():
            if name == "tags":
                record["tags"] = [{"id": t, "slug": self._tag_slug(t)} for t in value]
            elif name in kind.refs and name != "termination_id":
                record[name] = None if value is None else {"id": value, "url": "x"}
            elif name in CHOICES:
                record[name] = {"value": value, "label": str(value).title()}
            elif name == "custom_fields":
                record[name] = {**record.get(name, {}), **value}
            else:
                record[name] = copy.deepcopy(value)

    def read_all(self, kind: Kind, filters: Mapping[str, Any]) -> list[dict[str, Any]]:
        pages = max(1, -(-len(self.db[kind.name]) // self.page_size))
        self.requests["GET"] += pages
        out = []
        for record in self.db[kind.name].values():
            if "tag" in filters and filters["tag"] not in [t["slug"] for t in record["tags"]]:
                continue
            if "slug" in filters:
                wanted = filters["slug"]
                wanted = wanted if isinstance(wanted, list) else [wanted]
                if record.get("slug") not in wanted:
                    continue
            if "tenant" in filters:
                tenant = record.get("tenant")
                slug = self.db["tenants"][tenant["id"]]["slug"] if tenant else None
                if slug not in filters["tenant"]:
                    continue
            out.append(copy.deepcopy(record))
        return out

    def create(self, kind: Kind, objects: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        assert 0 < len(objects) <= self.page_size
        self.requests["POST"] += 1
        for obj in objects:
            if self.fail_on == (kind.name, obj.get("name")):
                errors: list[dict[str, Any]] = [{} for _ in objects]
                errors[list(objects).index(obj)] = {"name": ["Device name must be unique."]}
                raise NetBoxRequestFailed("rejected", 400, errors)
        created = []
        for obj in objects:
            record: dict[str, Any] = {"id": next(self.ids), "tags": [], "custom_fields": {}}
            self._store(kind, record, obj)
            self.db[kind.name][record["id"]] = record
            created.append(copy.deepcopy(record))
        return created

    def update(self, kind: Kind, objects: Sequence[Mapping[str, Any]]) -> None:
        assert 0 < len(objects) <= self.page_size
        self.requests["PATCH"] += 1
        for obj in objects:
            body = dict(obj)
            self._store(kind, self.db[kind.name][body.pop("id")], body)

    def delete(self, kind: Kind, ids: Sequence[int]) -> None:
        assert 0 < len(ids) <= self.page_size
        self.requests["DELETE"] += 1
        for i in ids:
            del self.db[kind.name][i]

    def writes(self) -> int:
        return sum(n for m, n in self.requests.items() if m != "GET")


def sample() -> list[Inventory]:
    return api.load_inventories([DATA / "inventory"])


def comparable(inv: Inventory) -> dict[str, Any]:
    """The inventory as data; virtual machines come back after physical devices."""
    doc = inv.model_dump(mode="json")
    doc["assets"].sort(key=lambda a: a["kind"] == "virtual-machine")
    return doc


def test_push_then_pull_round_trips() -> None:
    nb = FakeNetBox()
    invs = sample()
    result = push(invs, nb, apply_changes=True)
    assert result.applied == len(result.change_set.changes) > 0
    back = pull(nb)
    assert [comparable(i) for i in back] == [comparable(i) for i in invs]


def test_round_trip_through_files(tmp_path: Path) -> None:
    nb = FakeNetBox()
    invs = sample()
    push(invs, nb, apply_changes=True)
    paths = write_inventories(pull(nb), tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in paths) == [
        "me/malo.yaml",
        "rs/testgrad.yaml",
    ]
    again = api.load_inventories([tmp_path])
    assert [comparable(i) for i in again] == [comparable(i) for i in invs]


def test_second_push_writes_nothing() -> None:
    nb = FakeNetBox()
    push(sample(), nb, apply_changes=True)
    before = nb.writes()
    result = push(sample(), nb, apply_changes=True)
    assert result.change_set.changes == ()
    assert nb.writes() == before
    assert result.change_set.unchanged["devices"] == 9


def test_changing_one_asset_updates_only_it() -> None:
    nb = FakeNetBox()
    invs = sample()
    push(invs, nb, apply_changes=True)
    testgrad = invs[1]
    assets = [
        a.model_copy(update={"purchased": 2019}) if a.id == "sw-core" else a
        for a in testgrad.assets
    ]
    changed = testgrad.model_copy(update={"assets": assets})
    writes = nb.writes()
    result = push([invs[0], changed], nb, apply_changes=True)
    assert [(c.kind, c.key, c.action) for c in result.change_set.changes] == [
        ("devices", ("rs-testgrad", "sw-core"), "update")
    ]
    assert result.change_set.changes[0].before["custom_fields"]["lsg_purchased"] == 2014
    assert nb.writes() == writes + 1


def test_bulk_requests_per_kind_and_chunk() -> None:
    nb = FakeNetBox()
    push(sample(), nb, apply_changes=True)
    # 9 devices in chunks of 4 -> 3 POSTs; never one request per object
    created = sum(len(v) for v in nb.db.values())
    assert nb.requests["POST"] < created / 2


def test_prune_deletes_only_tagged_objects_of_scope() -> None:
    nb = FakeNetBox()
    invs = sample()
    push(invs, nb, apply_changes=True)
    # someone else's device, untagged, in our tenant
    tenant_id = next(i for i, t in nb.db["tenants"].items() if t["slug"] == "rs-testgrad")
    nb.db["devices"][999] = {"id": 999, "name": "theirs", "tags": [], "tenant": {"id": tenant_id}}
    testgrad = invs[1]
    smaller = testgrad.model_copy(update={"assets": testgrad.assets[:-1]})
    without_prune = push([invs[0], smaller], nb).change_set
    assert all(c.action != "delete" for c in without_prune.changes)
    result = push([smaller], nb, apply_changes=True, prune=True, scope=["rs-testgrad"])
    assert [(c.kind, c.key, c.action) for c in result.change_set.changes] == [
        ("devices", ("rs-testgrad", "prn"), "delete")
    ]
    assert 999 in nb.db["devices"]
    assert any(t["slug"] == "me-malo" for t in nb.db["tenants"].values())


def test_existing_reference_objects_are_reused_not_changed() -> None:
    nb = FakeNetBox()
    # A manufacturer that another team created, same name, different slug, no tag.
    nb.db["manufacturers"][500] = {"id": 500, "name": "HPE", "slug": "hewlett", "tags": []}
    push(sample(), nb, apply_changes=True)
    assert [m["slug"] for m in nb.db["manufacturers"].values()].count("hpe") == 0
    assert nb.db["manufacturers"][500] == {"id": 500, "name": "HPE", "slug": "hewlett", "tags": []}
    types = [t for t in nb.db["device_types"].values() if t["manufacturer"]["id"] == 500]
    assert [t["model"] for t in types] == ["ProLiant DL380 Gen9"]
    assert push(sample(), nb).change_set.changes == ()


def test_failed_chunk_names_object_and_next_push_continues() -> None:
    nb = FakeNetBox()
    nb.fail_on = ("devices", "sw-core")
    with pytest.raises(ChunkFailed) as info:
        push(sample(), nb, apply_changes=True)
    message = str(info.value)
    assert "\n" not in message
    assert "device rs-testgrad/sw-core: name: Device name must be unique." in message
    assert "chunk 2/3" in message
    nb.fail_on = None
    push(sample(), nb, apply_changes=True)
    assert push(sample(), nb).change_set.changes == ()
    assert len(nb.db["devices"]) == 9


def test_every_field_read_back_is_known() -> None:
    for kind, names in FIELDS.items():
        assert kind in KINDS
        assert len(set(names)) == len(names)
    assert TAG_SLUG == "lsg-infra"
