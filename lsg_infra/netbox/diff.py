"""Desired state x current state -> ChangeSet: pure, never mutates its inputs.

For every object the inventory wants: create it if NetBox lacks it, update the
fields that differ if NetBox has it (and it carries the lsg-infra tag), or count
it as unchanged. With `prune`, tagged objects the inventory no longer has are
deleted, within the LSGs in scope. Reference objects (manufacturers, roles ...)
are matched by slug or name and never updated or deleted.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

from lsg_infra.netbox.model import (
    KINDS,
    MANAGED,
    ORDER,
    Change,
    ChangeSet,
    Key,
    NbObject,
    Ref,
    State,
)

_EMPTY = (None, "")


def same(want: Any, have: Any) -> bool:
    """True when NetBox's value `have` already says what `want` says.

    >>> same(64, "64.00"), same(None, ""), same({"a": 1}, {"a": 1.0}), same(True, 1)
    (True, True, True, False)
    """
    if isinstance(want, Ref) or isinstance(have, Ref):
        return bool(want == have)
    if want in _EMPTY and have in _EMPTY:
        return True
    if isinstance(want, bool) or isinstance(have, bool):
        return type(want) is type(have) and bool(want == have)
    if isinstance(want, int | float) and isinstance(have, int | float | str):
        try:
            return math.isclose(float(want), float(have), rel_tol=1e-9, abs_tol=1e-9)
        except ValueError:
            return False
    if isinstance(want, Mapping) and isinstance(have, Mapping):
        return all(same(want.get(k), have.get(k)) for k in set(want) | set(have))
    if isinstance(want, list | tuple) and isinstance(have, list | tuple):
        return len(want) == len(have) and all(same(a, b) for a, b in zip(want, have, strict=True))
    return bool(want == have)


def _rewrite(value: Any, aliases: Mapping[tuple[str, Key], Key]) -> Any:
    if isinstance(value, Ref):
        alias = aliases.get((value.kind, value.key))
        return Ref(value.kind, alias) if alias is not None else value
    return value


def _differences(desired: NbObject, current: NbObject) -> tuple[dict[str, Any], dict[str, Any]]:
    spec = KINDS[desired.kind]
    changed: dict[str, Any] = {}
    before: dict[str, Any] = {}
    for name, want in desired.fields.items():
        if name in spec.create_only:
            continue
        have = current.fields.get(name)
        if name in spec.merge_lists:
            have_list = list(have or [])
            missing = [v for v in want if v not in have_list]
            if missing:
                changed[name] = sorted({*have_list, *want})
                before[name] = have
            continue
        if spec.reference:
            continue
        if name == "custom_fields":
            have_cf = have or {}
            if not all(same(v, have_cf.get(k)) for k, v in want.items()):
                changed[name] = dict(want)
                before[name] = {k: have_cf.get(k) for k in want}
            continue
        if not same(want, have):
            changed[name] = want
            before[name] = have
    return changed, before


def _tenant_of(obj: NbObject, current: State) -> str | None:
    if obj.kind == "tenants":
        return obj.key[0]
    if obj.kind == "circuit_terminations":
        circuit = obj.fields.get("circuit")
        if isinstance(circuit, Ref):
            parent = current["circuits"].get(circuit.key)
            return _tenant_of(parent, current) if parent else None
        return None
    tenant = obj.fields.get("tenant")
    return tenant.key[0] if isinstance(tenant, Ref) else None


def change_set(
    desired: State,
    current: State,
    *,
    prune: bool = False,
    scope: Collection[str] | None = None,
) -> ChangeSet:
    """The changes that make NetBox hold `desired`, in the order to apply them.

    `scope` is the LSG ids pushed; with `prune`, only tagged objects of those LSGs
    (every tagged object when `scope` is None) are deleted.
    """
    aliases: dict[tuple[str, Key], Key] = {}
    changes: list[Change] = []
    unchanged: dict[str, int] = {}
    rekeyed: dict[str, dict[Key, NbObject]] = {}
    for kind in ORDER:
        spec = KINDS[kind]
        have = current.get(kind, {})
        by_match: dict[tuple[str, ...], NbObject] = {}
        if spec.match is not None:
            for obj in have.values():
                by_match.setdefault(spec.match(obj.fields), obj)
        mine: dict[Key, NbObject] = {}
        for obj in desired.get(kind, {}).values():
            fields = {k: _rewrite(v, aliases) for k, v in obj.fields.items()}
            key = spec.key(fields)
            if key not in have and spec.match is not None:
                other = by_match.get(spec.match(fields))
                if other is not None:
                    key = other.key
            if key != obj.key:
                aliases[(kind, obj.key)] = key
            mine[key] = NbObject(kind, key, fields)
        rekeyed[kind] = mine
        same_count = 0
        for key, obj in mine.items():
            cur = have.get(key)
            if cur is None:
                changes.append(Change(kind, key, "create", obj.fields))
                continue
            if not cur.tagged and not spec.reference:
                same_count += 1  # someone else's object with our key: never touched
                continue
            changed, before = _differences(obj, cur)
            if changed:
                changes.append(Change(kind, key, "update", changed, id=cur.id, before=before))
            else:
                same_count += 1
        if same_count:
            unchanged[kind] = same_count
    if prune:
        wanted = None if scope is None else set(scope)
        for kind in reversed(MANAGED):
            for key, cur in current.get(kind, {}).items():
                if not cur.tagged or key in rekeyed[kind]:
                    continue
                tenant = _tenant_of(cur, current)
                if wanted is not None and tenant not in wanted:
                    continue
                changes.append(Change(kind, key, "delete", id=cur.id))
    return ChangeSet(tuple(changes), unchanged, aliases)
