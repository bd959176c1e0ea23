"""The shapes the NetBox sync works with: object kinds, keys, references, change sets.

Everything here is plain data. An object on either side of a comparison (what the
inventory wants, what NetBox has) is an `NbObject`: a kind, a natural key that
identifies it without NetBox ids, and the fields lsg-infra manages. Foreign keys
are `Ref`s to another object's natural key, so the desired state can be built
without talking to NetBox and compared with the current state field by field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

TAG_SLUG = "lsg-infra"
"""Every object the sync creates carries this tag; it never updates or deletes others."""

CF_GROUP = "lsg-infra"
"""Custom fields the sync creates are shown in NetBox under this group name."""

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ref:
    """A foreign key by natural key: Ref("sites", ("rs-kikinda-city-hall",))."""

    kind: str
    key: Key

    def __str__(self) -> str:
        return "/".join(self.key)


@dataclass(frozen=True, slots=True)
class NbObject:
    """One NetBox object as lsg-infra sees it.

    `fields` uses NetBox's write names (`site`, `device_type`, `custom_fields` ...);
    foreign keys are `Ref`s. `id` and `tagged` are known only for objects read from
    NetBox.
    """

    kind: str
    key: Key
    fields: Mapping[str, Any]
    id: int | None = None
    tagged: bool = True

    @property
    def label(self) -> str:
        return f"{KINDS[self.kind].label} {'/'.join(self.key)}"


def _slug_key(fields: Mapping[str, Any]) -> Key:
    return (str(fields["slug"]),)


def _name_key(fields: Mapping[str, Any]) -> Key:
    return (str(fields["name"]),)


def _ref_key(value: Any) -> str:
    return "/".join(value.key) if isinstance(value, Ref) else ""


def _tenant_name_key(fields: Mapping[str, Any]) -> Key:
    return (_ref_key(fields.get("tenant")), str(fields["name"]))


def _device_type_key(fields: Mapping[str, Any]) -> Key:
    return (_ref_key(fields.get("manufacturer")), str(fields["slug"]))


def _termination_key(fields: Mapping[str, Any]) -> Key:
    return (_ref_key(fields.get("circuit")), str(fields["term_side"]))


def _lower_name(fields: Mapping[str, Any]) -> tuple[str, ...]:
    return (str(fields.get("name", "")).casefold(),)


def _region_match(fields: Mapping[str, Any]) -> tuple[str, ...]:
    return (_ref_key(fields.get("parent")), str(fields.get("name", "")).casefold())


def _device_type_match(fields: Mapping[str, Any]) -> tuple[str, ...]:
    return (_ref_key(fields.get("manufacturer")), str(fields.get("model", "")).casefold())


@dataclass(frozen=True, slots=True)
class Kind:
    """One NetBox object type the sync reads and writes.

    A `reference` kind (manufacturers, roles, providers ...) is shared with other
    NetBox users: the sync reuses an existing object with the same slug or name,
    creates a missing one (tagged), and never updates or deletes it. A managed kind
    (tenants, sites, devices ...) is read by tag only; the sync creates, updates and,
    with --prune, deletes it.
    """

    name: str
    app: str
    endpoint: str
    label: str
    key: Callable[[Mapping[str, Any]], Key]
    reference: bool = False
    refs: Mapping[str, str] = field(default_factory=dict)
    match: Callable[[Mapping[str, Any]], tuple[str, ...]] | None = None
    create_only: frozenset[str] = frozenset()
    taggable: bool = True
    merge_lists: frozenset[str] = frozenset()
    """List fields where NetBox may hold more than we want (a superset is fine)."""

    @property
    def path(self) -> str:
        return f"{self.app}/{self.endpoint.replace('_', '-')}"


_KIND_LIST = [
    Kind("tags", "extras", "tags", "tag", _slug_key, reference=True, taggable=False),
    Kind(
        "custom_fields",
        "extras",
        "custom_fields",
        "custom field",
        _name_key,
        reference=True,
        taggable=False,
        merge_lists=frozenset({"object_types"}),
    ),
    Kind(
        "regions",
        "dcim",
        "regions",
        "region",
        _slug_key,
        reference=True,
        refs={"parent": "regions"},
        match=_region_match,
    ),
    Kind(
        "tenant_groups",
        "tenancy",
        "tenant_groups",
        "tenant group",
        _slug_key,
        True,
        {},
        _lower_name,
    ),
    Kind(
        "manufacturers", "dcim", "manufacturers", "manufacturer", _slug_key, True, {}, _lower_name
    ),
    Kind(
        "device_types",
        "dcim",
        "device_types",
        "device type",
        _device_type_key,
        reference=True,
        refs={"manufacturer": "manufacturers"},
        match=_device_type_match,
    ),
    Kind("device_roles", "dcim", "device_roles", "device role", _slug_key, True, {}, _lower_name),
    Kind("platforms", "dcim", "platforms", "platform", _slug_key, True, {}, _lower_name),
    Kind(
        "cluster_types",
        "virtualization",
        "cluster_types",
        "cluster type",
        _slug_key,
        True,
        {},
        _lower_name,
    ),
    Kind("providers", "circuits", "providers", "provider", _slug_key, True, {}, _lower_name),
    Kind(
        "circuit_types",
        "circuits",
        "circuit_types",
        "circuit type",
        _slug_key,
        True,
        {},
        _lower_name,
    ),
    Kind("tenants", "tenancy", "tenants", "tenant", _slug_key, refs={"group": "tenant_groups"}),
    Kind(
        "sites",
        "dcim",
        "sites",
        "site",
        _slug_key,
        refs={"region": "regions", "tenant": "tenants"},
        create_only=frozenset({"status"}),
    ),
    Kind(
        "clusters",
        "virtualization",
        "clusters",
        "cluster",
        _name_key,
        refs={"type": "cluster_types", "tenant": "tenants"},
        create_only=frozenset({"status"}),
    ),
    Kind(
        "devices",
        "dcim",
        "devices",
        "device",
        _tenant_name_key,
        refs={
            "device_type": "device_types",
            "role": "device_roles",
            "site": "sites",
            "tenant": "tenants",
            "platform": "platforms",
            "cluster": "clusters",
        },
        create_only=frozenset({"status"}),
    ),
    Kind(
        "virtual_machines",
        "virtualization",
        "virtual_machines",
        "virtual machine",
        _tenant_name_key,
        refs={
            "cluster": "clusters",
            "device": "devices",
            "site": "sites",
            "tenant": "tenants",
            "role": "device_roles",
            "platform": "platforms",
        },
        create_only=frozenset({"status"}),
    ),
    Kind(
        "circuits",
        "circuits",
        "circuits",
        "circuit",
        lambda f: (str(f["cid"]),),
        refs={"provider": "providers", "type": "circuit_types", "tenant": "tenants"},
        create_only=frozenset({"status"}),
    ),
    Kind(
        "circuit_terminations",
        "circuits",
        "circuit_terminations",
        "circuit termination",
        _termination_key,
        refs={"circuit": "circuits", "termination_id": "sites"},
    ),
]

KINDS: dict[str, Kind] = {k.name: k for k in _KIND_LIST}
"""Every kind, in dependency order: a kind only refers to kinds before it (or itself)."""

ORDER = [k.name for k in _KIND_LIST]
MANAGED = [k.name for k in _KIND_LIST if not k.reference]

State = dict[str, dict[Key, NbObject]]
"""Objects by kind, then by natural key."""


def empty_state() -> State:
    return {name: {} for name in ORDER}


Action = Literal["create", "update", "delete"]


@dataclass(frozen=True, slots=True)
class Change:
    """One write the sync would make: `fields` holds everything for a create, only
    the differing fields for an update, nothing for a delete; `before` holds the
    current values of the differing fields."""

    kind: str
    key: Key
    action: Action
    fields: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None
    before: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{KINDS[self.kind].label} {'/'.join(self.key)}"


@dataclass(frozen=True, slots=True)
class KindSummary:
    kind: str
    create: int = 0
    update: int = 0
    delete: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What a push would do to NetBox (not the investment `Plan`): the changes in the
    order to apply them, and how many objects of each kind are already as wanted."""

    changes: tuple[Change, ...]
    unchanged: Mapping[str, int]
    aliases: Mapping[tuple[str, Key], Key] = field(default_factory=dict)
    """Desired keys of reference objects that matched an existing object by name."""

    @property
    def writes(self) -> int:
        return len(self.changes)

    def summary(self) -> list[KindSummary]:
        """One row per kind that has anything to report, in dependency order.

        >>> ChangeSet((), {"devices": 3}).summary()
        [KindSummary(kind='devices', create=0, update=0, delete=0, unchanged=3)]
        """
        rows = []
        for name in ORDER:
            counts = {"create": 0, "update": 0, "delete": 0}
            for change in self.changes:
                if change.kind == name:
                    counts[change.action] += 1
            same = self.unchanged.get(name, 0)
            if same or any(counts.values()):
                rows.append(KindSummary(name, unchanged=same, **counts))
        return rows
