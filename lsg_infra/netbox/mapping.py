"""Inventory <-> NetBox objects: pure functions, no network.

`desired_state` turns inventories into the NetBox objects that should exist;
`inventories_from_state` turns what NetBox holds back into inventories. The two
are inverse for every field the inventory has (see docs/netbox.md for the table).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lsg_infra.model.inventory import (
    COUNTRY_NAMES,
    Asset,
    AssetKind,
    Inventory,
    Link,
    LinkKind,
)
from lsg_infra.netbox.model import (
    CF_GROUP,
    KINDS,
    TAG_SLUG,
    Key,
    NbObject,
    Ref,
    State,
    empty_state,
)

# NetBox object types (app_label.model) that our custom fields attach to.
TENANT = "tenancy.tenant"
SITE = "dcim.site"
DEVICE = "dcim.device"
VM = "virtualization.virtualmachine"
CIRCUIT = "circuits.circuit"


@dataclass(frozen=True, slots=True)
class CustomFieldDef:
    name: str
    type: str
    label: str
    object_types: tuple[str, ...]
    description: str = ""


CUSTOM_FIELDS: tuple[CustomFieldDef, ...] = (
    CustomFieldDef("lsg_population", "integer", "Population", (TENANT,), "Census population"),
    CustomFieldDef("lsg_census_year", "integer", "Census year", (TENANT,)),
    CustomFieldDef("lsg_municipality_type", "text", "LSG type", (TENANT,), "municipality, city..."),
    CustomFieldDef("lsg_employees", "integer", "Employees", (TENANT, SITE), "Staff"),
    CustomFieldDef("lsg_it_staff", "integer", "IT staff", (TENANT,)),
    CustomFieldDef("lsg_trained_staff", "integer", "Trained staff", (TENANT,), "Digital skills"),
    CustomFieldDef(
        "lsg_municipality", "json", "LSG details", (TENANT,), "tier, website, budget, contact"
    ),
    CustomFieldDef("lsg_software", "json", "Software", (TENANT,), "Software products in use"),
    CustomFieldDef("lsg_services", "json", "eServices", (TENANT,), "eService ids offered"),
    CustomFieldDef("lsg_controls", "json", "Controls", (TENANT,), "Security controls"),
    CustomFieldDef(
        "lsg_website", "json", "Website", (TENANT,), "Self-assessment, accessibility, publications"
    ),
    CustomFieldDef("lsg_site_roles", "json", "Site roles", (SITE,)),
    CustomFieldDef("lsg_server_room", "boolean", "Server room", (SITE,)),
    CustomFieldDef("lsg_public_wifi", "boolean", "Public Wi-Fi", (SITE,)),
    CustomFieldDef("lsg_count", "integer", "Count", (DEVICE, VM), "Identical units in this record"),
    CustomFieldDef("lsg_purchased", "integer", "Purchase year", (DEVICE, VM)),
    CustomFieldDef(
        "lsg_end_of_support", "date", "End of support", (DEVICE, VM), "Warranty or support end"
    ),
    CustomFieldDef("lsg_cpu_cores", "integer", "CPU cores", (DEVICE,)),
    CustomFieldDef("lsg_ram_gb", "decimal", "RAM (GB)", (DEVICE,)),
    CustomFieldDef("lsg_storage_tb", "decimal", "Storage (TB)", (DEVICE,)),
    CustomFieldDef("lsg_ports", "integer", "Ports", (DEVICE,)),
    CustomFieldDef("lsg_capacity_va", "integer", "Capacity (VA)", (DEVICE,)),
    CustomFieldDef("lsg_os", "json", "Operating system", (DEVICE, VM)),
    CustomFieldDef("lsg_roles", "json", "Server roles", (DEVICE, VM)),
    CustomFieldDef("lsg_manage", "json", "Management address", (DEVICE, VM)),
    CustomFieldDef("lsg_public", "boolean", "Public", (DEVICE, VM), "Reachable from the internet"),
    CustomFieldDef("lsg_extra", "json", "Other inventory fields", (VM,)),
    CustomFieldDef("lsg_down_mbps", "decimal", "Download (Mbit/s)", (CIRCUIT,)),
    CustomFieldDef("lsg_up_mbps", "decimal", "Upload (Mbit/s)", (CIRCUIT,)),
    CustomFieldDef("lsg_redundant", "boolean", "Backup link", (CIRCUIT,)),
    CustomFieldDef("lsg_monthly_cost_eur", "decimal", "Monthly cost (EUR)", (CIRCUIT,)),
)

ROLE_NAMES: dict[str, str] = {
    "server": "Server",
    "virtual-machine": "Virtual machine",
    "workstation": "Workstation",
    "laptop": "Laptop",
    "printer": "Printer",
    "scanner": "Scanner",
    "switch": "Switch",
    "router": "Router",
    "firewall": "Firewall",
    "access-point": "Access point",
    "ups": "UPS",
    "storage": "Storage",
}
ROLE_COLORS: dict[str, str] = {
    "server": "2196f3",
    "virtual-machine": "03a9f4",
    "workstation": "9e9e9e",
    "laptop": "607d8b",
    "printer": "795548",
    "scanner": "8d6e63",
    "switch": "4caf50",
    "router": "009688",
    "firewall": "f44336",
    "access-point": "8bc34a",
    "ups": "ff9800",
    "storage": "673ab7",
}
CIRCUIT_TYPE_NAMES: dict[str, str] = {
    "fiber": "Fiber",
    "dsl": "DSL",
    "cable": "Cable",
    "radio": "Radio",
    "mobile": "Mobile",
    "satellite": "Satellite",
    "leased-line": "Leased line",
    "govnet": "Government network",
}
UNSPECIFIED_MANUFACTURER = "unspecified"
UNSPECIFIED_MODEL_PREFIX = "unspecified-"
CLUSTER_TYPE = "lsg-virtualisation"
GENERATED = "#"
"""Names of records that have no id in the inventory contain '#', which no id can."""


@functools.lru_cache(maxsize=4096)
def slugify(text: str, max_length: int = 100) -> str:
    """A NetBox slug: lower-case ASCII letters, digits and dashes.

    >>> slugify("ProLiant DL380 Gen9")
    'proliant-dl380-gen9'
    >>> slugify("Кикинда")[:2]
    'x-'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    if slug:
        return slug
    return "x-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def tenant_name(inv: Inventory) -> str:
    m = inv.municipality
    return f"{m.name} ({m.country})"


def site_slug(lsg_id: str, site_id: str) -> str:
    return f"{lsg_id}-{site_id}"


def site_name(inv: Inventory, name: str) -> str:
    return f"{tenant_name(inv)} / {name}"


def _none_if_empty(value: Any) -> Any:
    return value if value else None


def _platform(asset: Asset) -> tuple[str, str] | None:
    if asset.os is None:
        return None
    name = " ".join(p for p in (asset.os.name, asset.os.version) if p)
    return slugify(name), name


def _device_type(asset: Asset) -> tuple[str, str, str, str]:
    """(manufacturer slug, manufacturer name, device type slug, model)."""
    if asset.manufacturer:
        m_slug, m_name = slugify(asset.manufacturer), asset.manufacturer
    else:
        m_slug, m_name = UNSPECIFIED_MANUFACTURER, "Unspecified"
    if asset.model:
        return m_slug, m_name, slugify(asset.model), asset.model
    label = ROLE_NAMES[asset.kind.value]
    return m_slug, m_name, UNSPECIFIED_MODEL_PREFIX + asset.kind.value, f"Unspecified {label}"


def asset_names(assets: Sequence[Asset]) -> list[str]:
    """The NetBox name of each asset: its id, or `<kind>#<n>` for assets without one."""
    counters: dict[str, int] = {}
    names = []
    for asset in assets:
        if asset.id:
            names.append(asset.id)
        else:
            n = counters[asset.kind.value] = counters.get(asset.kind.value, 0) + 1
            names.append(f"{asset.kind.value}{GENERATED}{n}")
    return names


def circuit_ids(lsg_id: str, links: Sequence[Link]) -> list[str]:
    """The circuit id of each link: `<lsg>/<link id>`, or `<lsg>/<kind>#<n>`."""
    counters: dict[str, int] = {}
    cids = []
    for link in links:
        if link.id:
            cids.append(f"{lsg_id}/{link.id}")
        else:
            n = counters[link.kind.value] = counters.get(link.kind.value, 0) + 1
            cids.append(f"{lsg_id}/{link.kind.value}{GENERATED}{n}")
    return cids


class _Builder:
    def __init__(self) -> None:
        self.state = empty_state()

    def add(self, kind: str, fields: dict[str, Any]) -> Ref:
        key = KINDS[kind].key(fields)
        objects = self.state[kind]
        if key not in objects:
            objects[key] = NbObject(kind, key, fields)
        return Ref(kind, key)


def _json(record: Any) -> Any:
    return record.model_dump(mode="json", exclude_none=True)


def reference_objects(builder: _Builder) -> None:
    builder.add(
        "tags",
        {
            "name": TAG_SLUG,
            "slug": TAG_SLUG,
            "color": "2196f3",
            "description": "Managed by lsg-infra; objects without this tag are never changed",
        },
    )
    for cf in CUSTOM_FIELDS:
        builder.add(
            "custom_fields",
            {
                "name": cf.name,
                "label": cf.label,
                "type": cf.type,
                "object_types": sorted(cf.object_types),
                "group_name": CF_GROUP,
                "description": cf.description,
            },
        )


def desired_state(inventories: Iterable[Inventory]) -> State:
    """Every NetBox object the inventories call for, keyed and with symbolic references.

    >>> from lsg_infra.netbox.model import ORDER
    >>> sorted(desired_state([])["tags"])
    [('lsg-infra',)]
    """
    b = _Builder()
    reference_objects(b)
    for inv in inventories:
        _add_inventory(b, inv)
    return b.state


def _add_inventory(b: _Builder, inv: Inventory) -> None:
    m = inv.municipality
    cc = m.country.lower()
    country = b.add("regions", {"name": COUNTRY_NAMES[m.country], "slug": cc, "parent": None})
    region = country
    if m.district:
        region = b.add(
            "regions",
            {"name": m.district, "slug": f"{cc}-{slugify(m.district, 90)}", "parent": country},
        )
    group = b.add(
        "tenant_groups", {"name": f"LSGs of {COUNTRY_NAMES[m.country]}", "slug": f"lsg-{cc}"}
    )
    details = {
        k: v
        for k, v in _json(m).items()
        if k in ("tier", "website", "annual_it_budget_eur", "contact")
    }
    tenant = b.add(
        "tenants",
        {
            "name": tenant_name(inv),
            "slug": m.id,
            "group": group,
            "description": m.name_local or "",
            "custom_fields": {
                "lsg_population": m.population,
                "lsg_census_year": m.census_year,
                "lsg_municipality_type": m.type,
                "lsg_employees": m.employees,
                "lsg_it_staff": m.it_staff,
                "lsg_trained_staff": m.trained_staff,
                "lsg_municipality": details or None,
                "lsg_software": [_json(s) for s in inv.software] or None,
                "lsg_services": list(inv.services) or None,
                "lsg_controls": {k: _json(c) for k, c in inv.controls.items()} or None,
                "lsg_website": _json(inv.website) if inv.website is not None else None,
            },
        },
    )
    sites: dict[str, Ref] = {}
    for site in inv.sites:
        sites[site.id] = b.add(
            "sites",
            {
                "name": site_name(inv, site.name),
                "slug": site_slug(m.id, site.id),
                "status": "active",
                "region": region,
                "tenant": tenant,
                "physical_address": site.address or "",
                "custom_fields": {
                    "lsg_site_roles": [r.value for r in site.roles] or None,
                    "lsg_server_room": site.server_room,
                    "lsg_employees": site.employees,
                    "lsg_public_wifi": site.public_wifi,
                },
            },
        )
    # VMs sit in one cluster per LSG; a VM's host is NetBox's own device link, and
    # NetBox requires the host device to belong to the VM's cluster.
    cluster: Ref | None = None
    vm_hosts = {a.host for a in inv.assets if a.kind is AssetKind.VIRTUAL_MACHINE and a.host}
    if any(a.kind is AssetKind.VIRTUAL_MACHINE for a in inv.assets):
        ctype = b.add("cluster_types", {"name": "LSG virtualisation", "slug": CLUSTER_TYPE})
        cluster = b.add(
            "clusters", {"name": m.id, "type": ctype, "tenant": tenant, "status": "active"}
        )
    for asset, name in zip(inv.assets, asset_names(inv.assets), strict=True):
        platform = _platform(asset)
        platform_ref = (
            b.add("platforms", {"name": platform[1], "slug": platform[0]}) if platform else None
        )
        common_cf = {
            "lsg_count": asset.count,
            "lsg_purchased": asset.purchased,
            "lsg_end_of_support": asset.warranty_until.isoformat()
            if asset.warranty_until
            else None,
            "lsg_os": _json(asset.os) if asset.os else None,
            "lsg_roles": list(asset.roles) or None,
            "lsg_manage": _json(asset.manage) if asset.manage else None,
            "lsg_public": asset.public,
        }
        role = b.add(
            "device_roles",
            {
                "name": ROLE_NAMES[asset.kind.value],
                "slug": asset.kind.value,
                "color": ROLE_COLORS[asset.kind.value],
                "vm_role": asset.kind is AssetKind.VIRTUAL_MACHINE,
            },
        )
        if asset.kind is AssetKind.VIRTUAL_MACHINE:
            host = (
                Ref("devices", KINDS["devices"].key({"tenant": tenant, "name": asset.host}))
                if asset.host
                else None
            )
            extra = {
                k: v
                for k, v in _json(asset).items()
                if k in ("manufacturer", "model", "ports", "capacity_va")
            }
            b.add(
                "virtual_machines",
                {
                    "name": name,
                    "cluster": cluster,
                    "device": host,
                    "site": sites[asset.site],
                    "tenant": tenant,
                    "role": role,
                    "platform": platform_ref,
                    "status": "active",
                    "vcpus": asset.cpu_cores,
                    "memory": round(asset.ram_gb * 1024) if asset.ram_gb is not None else None,
                    "disk": round(asset.storage_tb * 1_000_000)
                    if asset.storage_tb is not None
                    else None,
                    "serial": asset.serial or "",
                    "comments": asset.notes or "",
                    "custom_fields": {
                        **common_cf,
                        "lsg_extra": extra or None,
                    },
                },
            )
            continue
        m_slug, m_name, t_slug, model = _device_type(asset)
        manufacturer = b.add("manufacturers", {"name": m_name, "slug": m_slug})
        device_type = b.add(
            "device_types", {"manufacturer": manufacturer, "model": model, "slug": t_slug}
        )
        b.add(
            "devices",
            {
                "name": name,
                "device_type": device_type,
                "role": role,
                "site": sites[asset.site],
                "tenant": tenant,
                "platform": platform_ref,
                "cluster": cluster if asset.id in vm_hosts else None,
                "status": "active",
                "serial": asset.serial or "",
                "comments": asset.notes or "",
                "custom_fields": {
                    **common_cf,
                    "lsg_cpu_cores": asset.cpu_cores,
                    "lsg_ram_gb": asset.ram_gb,
                    "lsg_storage_tb": asset.storage_tb,
                    "lsg_ports": asset.ports,
                    "lsg_capacity_va": asset.capacity_va,
                },
            },
        )
    for link, cid in zip(inv.links, circuit_ids(m.id, inv.links), strict=True):
        provider = b.add("providers", {"name": link.provider, "slug": slugify(link.provider)})
        ctype = b.add(
            "circuit_types",
            {"name": CIRCUIT_TYPE_NAMES[link.kind.value], "slug": link.kind.value},
        )
        circuit = b.add(
            "circuits",
            {
                "cid": cid,
                "provider": provider,
                "type": ctype,
                "tenant": tenant,
                "status": "active",
                "commit_rate": round(link.down_mbps * 1000),
                "termination_date": link.contract_until.isoformat()
                if link.contract_until
                else None,
                "description": f"{link.down_mbps:g}/{link.up_mbps:g} Mbit/s",
                "custom_fields": {
                    "lsg_down_mbps": link.down_mbps,
                    "lsg_up_mbps": link.up_mbps,
                    "lsg_redundant": link.redundant,
                    "lsg_monthly_cost_eur": link.monthly_cost_eur,
                },
            },
        )
        b.add(
            "circuit_terminations",
            {
                "circuit": circuit,
                "term_side": "A",
                "termination_type": "dcim.site",
                "termination_id": sites[link.site],
            },
        )


# ---------------------------------------------------------------- NetBox -> inventory


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


def inventory_dicts_from_state(state: State, lsgs: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Inventory documents (plain dicts, as in a YAML file) for the tagged tenants.

    `lsgs` keeps those LSG ids; empty means every LSG tenant in NetBox.
    """
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


def _inventory_dict(state: State, tenant: NbObject) -> dict[str, Any]:
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
    return doc


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


__all__ = [
    "CUSTOM_FIELDS",
    "LinkKind",
    "asset_names",
    "circuit_ids",
    "desired_state",
    "inventory_dicts_from_state",
    "slugify",
]
