"""NetBox API records (JSON dicts) -> `NbObject`s: the edge where NetBox's shapes stop.

NetBox nests foreign keys (`"site": {"id": 7, "url": ..., "name": ...}`), wraps
choices (`"status": {"value": "active", "label": "Active"}`) and lists tags as
objects. Here each becomes what the diff compares: a `Ref` by natural key, the
plain value, a `tagged` flag. Pure: feed it recorded JSON in tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lsg_infra.errors import RemoteError
from lsg_infra.netbox.model import KINDS, ORDER, TAG_SLUG, Key, NbObject, Ref, State, empty_state

FIELDS: dict[str, tuple[str, ...]] = {
    "tags": ("name", "slug", "color", "description"),
    "custom_fields": ("name", "label", "type", "object_types", "group_name", "description"),
    "regions": ("name", "slug", "parent"),
    "tenant_groups": ("name", "slug"),
    "manufacturers": ("name", "slug"),
    "device_types": ("manufacturer", "model", "slug"),
    "device_roles": ("name", "slug", "color", "vm_role"),
    "platforms": ("name", "slug"),
    "cluster_types": ("name", "slug"),
    "providers": ("name", "slug"),
    "circuit_types": ("name", "slug"),
    "tenants": ("name", "slug", "group", "description", "custom_fields"),
    "sites": (
        "name",
        "slug",
        "status",
        "region",
        "tenant",
        "physical_address",
        "custom_fields",
    ),
    "clusters": ("name", "type", "tenant", "status"),
    "devices": (
        "name",
        "device_type",
        "role",
        "site",
        "tenant",
        "platform",
        "cluster",
        "status",
        "serial",
        "comments",
        "custom_fields",
    ),
    "virtual_machines": (
        "name",
        "cluster",
        "device",
        "site",
        "tenant",
        "role",
        "platform",
        "status",
        "vcpus",
        "memory",
        "disk",
        "serial",
        "comments",
        "custom_fields",
    ),
    "circuits": (
        "cid",
        "provider",
        "type",
        "tenant",
        "status",
        "commit_rate",
        "termination_date",
        "description",
        "custom_fields",
    ),
    "circuit_terminations": ("circuit", "term_side", "termination_type", "termination_id"),
}
"""The fields lsg-infra reads and writes, per kind; everything else is left alone."""

CF_PREFIX = "lsg_"


def _fk_id(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        raw = value.get("id")
        return int(raw) if raw is not None else None
    return int(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping) and "value" in value and "label" in value:
        return value["value"]
    return value


def _is_tagged(kind: str, record: Mapping[str, Any]) -> bool:
    if kind == "custom_fields":
        return str(record.get("name", "")).startswith(CF_PREFIX)
    if not KINDS[kind].taggable:
        return record.get("slug") == TAG_SLUG
    tags = record.get("tags") or []
    return any((t.get("slug") if isinstance(t, Mapping) else t) == TAG_SLUG for t in tags)


def state_from_records(records: Mapping[str, Sequence[Mapping[str, Any]]]) -> State:
    """Convert NetBox JSON lists (by kind) into a State, resolving ids to natural keys.

    >>> s = state_from_records({"manufacturers": [{"id": 3, "name": "HPE", "slug": "hpe",
    ...     "tags": []}], "device_types": [{"id": 9, "model": "DL380", "slug": "dl380",
    ...     "manufacturer": {"id": 3}, "tags": [{"slug": "lsg-infra"}]}]})
    >>> s["device_types"][("hpe", "dl380")].fields["manufacturer"]
    Ref(kind='manufacturers', key=('hpe',))
    """
    state = empty_state()
    keys: dict[tuple[str, int], Key] = {}

    def ref(target: str, raw: Any) -> Ref | None:
        obj_id = _fk_id(raw)
        if obj_id is None:
            return None
        key = keys.get((target, obj_id))
        return Ref(target, key if key is not None else ("#id", str(obj_id)))

    for kind in ORDER:
        try:
            spec = KINDS[kind]
            pending: list[tuple[Mapping[str, Any], dict[str, Any]]] = []
            for record in records.get(kind, ()):
                fields: dict[str, Any] = {}
                for name in FIELDS[kind]:
                    value = record.get(name)
                    target = spec.refs.get(name)
                    if target is not None and target != kind:
                        fields[name] = ref(target, value)
                    elif target is None:
                        fields[name] = _plain(value)
                    if name == "custom_fields":
                        fields[name] = {
                            k: v for k, v in (value or {}).items() if k.startswith(CF_PREFIX)
                        }
                if kind == "custom_fields":
                    fields["object_types"] = sorted(fields.get("object_types") or [])
                pending.append((record, fields))
                # Self-references (region parents) are resolved once every key is known.
                if all(t != kind for t in spec.refs.values()):
                    keys[(kind, int(record["id"]))] = spec.key(fields)
                else:
                    keys[(kind, int(record["id"]))] = (str(record.get("slug")),)
            for record, fields in pending:
                for name, target in spec.refs.items():
                    if target == kind:
                        fields[name] = ref(target, record.get(name))
                key = spec.key(fields)
                state[kind][key] = NbObject(
                    kind, key, fields, id=int(record["id"]), tagged=_is_tagged(kind, record)
                )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # NetBox (or something answering in its place) sent a record of another
            # shape: one line naming the kind, never an internal error
            raise RemoteError(
                f"NetBox sent {KINDS[kind].label} records lsg-infra cannot read "
                f"({type(exc).__name__}); is it NetBox 4.2 to 4.x?"
            ) from None
    return state
