"""NetBox objects -> inventory documents: pure, no network.

`inventory_dicts_from_state` turns what NetBox holds back into the plain documents a
person writes in inventory/<cc>/<slug>.yaml; `to_netbox` is its inverse. The
documents are validated by the caller (`sync.pull`), like any inventory file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lsg_infra.model.inventory import AssetKind
from lsg_infra.netbox.fields import (
    GENERATED,
    ROLE_NAMES,
    UNSPECIFIED_MANUFACTURER,
    UNSPECIFIED_MODEL_PREFIX,
)
from lsg_infra.netbox.model import Key, NbObject, Ref, State


def _strip_prefix(text: str, prefix: str) -> str:
    return text[len(prefix) :] if text.startswith(prefix) and len(text) > len(prefix) else text


def _strip_suffix(text: str, suffix: str) -> str:
    return text[: -len(suffix)] if text.endswith(suffix) and len(text) > len(suffix) else text


def _by_id(objects: Iterable[NbObject]) -> list[NbObject]:
    return sorted(objects, key=lambda o: (o.id is None, o.id or 0, o.key))


def _ref_is(value: Any, kind: str, key: Key) -> bool:
    return isinstance(value, Ref) and value.kind == kind and value.key == key


def _drop_none(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None and v != "" and v != []}


def _number(value: Any) -> Any:
    # NetBox returns decimals as floats or strings; the model wants numbers.
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        value = float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _kind_of_role(state: State, ref: Any) -> str | None:
    if not isinstance(ref, Ref):
        return None
    obj = state["device_roles"].get(ref.key)
    candidates = [ref.key[0]]
    if obj is not None:
        candidates.append(str(obj.fields.get("name", "")))
    by_name = {v.casefold(): k for k, v in ROLE_NAMES.items()}
    for c in candidates:
        if c in ROLE_NAMES:
            return c
        if c.casefold() in by_name:
            return by_name[c.casefold()]
    return None


@dataclass(frozen=True, slots=True)
class PulledDocument:
    """One inventory document built from NetBox, and the NetBox object behind each part.

    `origins` maps a record's place in the document (("assets", 3)) to the object it
    came from; everything else (municipality, software, controls ...) comes from
    `tenant`. A problem in the document can so name the object to fix in NetBox.
    """

    data: dict[str, Any]
    tenant: NbObject
    origins: dict[tuple[str, int], NbObject] = field(default_factory=dict)


def inventory_dicts_from_state(state: State, lsgs: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Inventory documents (plain dicts, as in a YAML file) for the tagged tenants.

    `lsgs` keeps those LSG ids; empty means every LSG tenant in NetBox.
    """
    return [pulled.data for pulled in pulled_documents(state, lsgs)]


def pulled_documents(state: State, lsgs: Iterable[str] = ()) -> list[PulledDocument]:
    """`inventory_dicts_from_state`, each document with the NetBox objects it came from."""
    wanted = set(lsgs)
    out = []
    for tenant in _by_id(state["tenants"].values()):
        if not tenant.tagged:
            continue
        lsg_id = tenant.key[0]
        if wanted and lsg_id not in wanted:
            continue
        out.append(_inventory_dict(state, tenant))
    return out


def _inventory_dict(state: State, tenant: NbObject) -> PulledDocument:
    lsg_id = tenant.key[0]
    country = lsg_id[:2].upper()
    cf = dict(tenant.fields.get("custom_fields") or {})
    tkey = tenant.key
    mine = {
        kind: [
            o
            for o in _by_id(state[kind].values())
            if _ref_is(o.fields.get("tenant"), "tenants", tkey)
        ]
        for kind in ("sites", "devices", "virtual_machines", "circuits")
    }
    site_prefix = f"{tenant.fields.get('name')} / "
    sites = []
    site_ids: dict[Key, str] = {}
    district = None
    for s in mine["sites"]:
        f = s.fields
        sid = _strip_prefix(s.key[0], f"{lsg_id}-")
        site_ids[s.key] = sid
        scf = f.get("custom_fields") or {}
        region = f.get("region")
        if district is None and isinstance(region, Ref):
            robj = state["regions"].get(region.key)
            if robj is not None and robj.fields.get("parent") is not None:
                district = robj.fields.get("name")
        sites.append(
            _drop_none(
                {
                    "id": sid,
                    "name": _strip_prefix(str(f.get("name")), site_prefix),
                    "roles": scf.get("lsg_site_roles"),
                    "server_room": scf.get("lsg_server_room") or None,
                    "address": f.get("physical_address"),
                    "employees": scf.get("lsg_employees"),
                    "public_wifi": scf.get("lsg_public_wifi") or None,
                }
            )
        )
    municipality = _drop_none(
        {
            "id": lsg_id,
            "name": _strip_suffix(str(tenant.fields.get("name")), f" ({country})"),
            "name_local": tenant.fields.get("description"),
            "country": country,
            "type": cf.get("lsg_municipality_type"),
            "district": district,
            "population": cf.get("lsg_population"),
            "census_year": cf.get("lsg_census_year"),
            "employees": cf.get("lsg_employees"),
            "it_staff": cf.get("lsg_it_staff"),
            "trained_staff": cf.get("lsg_trained_staff"),
            **(cf.get("lsg_municipality") or {}),
        }
    )
    assets = [_asset_from_device(state, d, site_ids) for d in mine["devices"]]
    assets += [_asset_from_vm(state, v, site_ids) for v in mine["virtual_machines"]]
    origins: dict[tuple[str, int], NbObject] = {}
    for name, objects in (
        ("sites", mine["sites"]),
        ("assets", mine["devices"] + mine["virtual_machines"]),
        ("links", mine["circuits"]),
    ):
        origins.update(((name, i), obj) for i, obj in enumerate(objects))
    terminations = {
        t.key[0]: t.fields.get("termination_id") for t in state["circuit_terminations"].values()
    }
    links = []
    for c in mine["circuits"]:
        f = c.fields
        ccf = f.get("custom_fields") or {}
        site_ref = terminations.get(c.key[0])
        ctype = f.get("type")
        provider = f.get("provider")
        pobj = state["providers"].get(provider.key) if isinstance(provider, Ref) else None
        local = _strip_prefix(c.key[0], f"{lsg_id}/")
        links.append(
            _drop_none(
                {
                    "id": None if GENERATED in local else local,
                    "site": site_ids.get(site_ref.key) if isinstance(site_ref, Ref) else None,
                    "kind": ctype.key[0] if isinstance(ctype, Ref) else None,
                    "provider": pobj.fields.get("name") if pobj else None,
                    "down_mbps": _number(ccf.get("lsg_down_mbps")),
                    "up_mbps": _number(ccf.get("lsg_up_mbps")),
                    "redundant": ccf.get("lsg_redundant") or None,
                    "monthly_cost_eur": _number(ccf.get("lsg_monthly_cost_eur")),
                    "contract_until": f.get("termination_date"),
                }
            )
        )
    doc: dict[str, Any] = {"municipality": municipality, "sites": sites}
    if links:
        doc["links"] = links
    if assets:
        doc["assets"] = assets
    if cf.get("lsg_software"):
        doc["software"] = cf["lsg_software"]
    if cf.get("lsg_services"):
        doc["services"] = cf["lsg_services"]
    if cf.get("lsg_controls"):
        doc["controls"] = cf["lsg_controls"]
    if cf.get("lsg_website"):
        doc["website"] = cf["lsg_website"]
    if cf.get("lsg_backup"):
        doc["backup"] = cf["lsg_backup"]
    return PulledDocument(doc, tenant, origins)


def _common_asset(cf: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "count": cf.get("lsg_count"),
        "purchased": cf.get("lsg_purchased"),
        "os": cf.get("lsg_os"),
        "roles": cf.get("lsg_roles"),
        "manage": cf.get("lsg_manage"),
        "public": cf.get("lsg_public") or None,
        "warranty_until": cf.get("lsg_end_of_support"),
    }


def _asset_from_device(state: State, d: NbObject, site_ids: Mapping[Key, str]) -> dict[str, Any]:
    f = d.fields
    cf = f.get("custom_fields") or {}
    name = d.key[1]
    manufacturer = model = None
    dtype = f.get("device_type")
    tobj = state["device_types"].get(dtype.key) if isinstance(dtype, Ref) else None
    if tobj is not None:
        if not str(tobj.fields.get("slug", "")).startswith(UNSPECIFIED_MODEL_PREFIX):
            model = tobj.fields.get("model")
        mref = tobj.fields.get("manufacturer")
        mobj = state["manufacturers"].get(mref.key) if isinstance(mref, Ref) else None
        if mobj is not None and mobj.key[0] != UNSPECIFIED_MANUFACTURER:
            manufacturer = mobj.fields.get("name")
    site = f.get("site")
    return _drop_none(
        {
            "id": None if GENERATED in name else name,
            "kind": _kind_of_role(state, f.get("role")),
            "site": site_ids.get(site.key) if isinstance(site, Ref) else None,
            **_common_asset(cf),
            "manufacturer": manufacturer,
            "model": model,
            "cpu_cores": cf.get("lsg_cpu_cores"),
            "ram_gb": _number(cf.get("lsg_ram_gb")),
            "storage_tb": _number(cf.get("lsg_storage_tb")),
            "ports": cf.get("lsg_ports"),
            "capacity_va": cf.get("lsg_capacity_va"),
            "serial": f.get("serial"),
            "notes": f.get("comments"),
        }
    )


def _asset_from_vm(state: State, v: NbObject, site_ids: Mapping[Key, str]) -> dict[str, Any]:
    f = v.fields
    cf = f.get("custom_fields") or {}
    name = v.key[1]
    site = f.get("site")
    memory = f.get("memory")
    disk = f.get("disk")
    vcpus = f.get("vcpus")
    host = f.get("device")
    return _drop_none(
        {
            "id": None if GENERATED in name else name,
            "kind": AssetKind.VIRTUAL_MACHINE.value,
            "site": site_ids.get(site.key) if isinstance(site, Ref) else None,
            **_common_asset(cf),
            **(cf.get("lsg_extra") or {}),
            "cpu_cores": int(float(vcpus)) if vcpus else None,
            "ram_gb": _number(round(float(memory) / 1024, 2)) if memory else None,
            "storage_tb": _number(round(float(disk) / 1_000_000, 6)) if disk is not None else None,
            "host": host.key[-1] if isinstance(host, Ref) else None,
            "serial": f.get("serial"),
            "notes": f.get("comments"),
        }
    )


__all__ = ["PulledDocument", "inventory_dicts_from_state", "pulled_documents"]
