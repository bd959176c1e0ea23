"""Inventory -> NetBox objects: pure, no network.

`desired_state` turns inventories into the NetBox objects that should exist, keyed
by natural key and with symbolic references (`Ref`); `from_netbox` is its inverse
for every field the inventory has (see docs/netbox.md for the table).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from lsg_infra.layout import slugify
from lsg_infra.model.inventory import COUNTRY_NAMES, Asset, AssetKind, Inventory, Link
from lsg_infra.netbox.fields import (
    CIRCUIT_TYPE_NAMES,
    CLUSTER_TYPE,
    CUSTOM_FIELDS,
    GENERATED,
    ROLE_COLORS,
    ROLE_NAMES,
    UNSPECIFIED_MANUFACTURER,
    UNSPECIFIED_MODEL_PREFIX,
)
from lsg_infra.netbox.model import CF_GROUP, KINDS, TAG_SLUG, NbObject, Ref, State, empty_state


def tenant_name(inv: Inventory) -> str:
    m = inv.municipality
    return f"{m.name} ({m.country})"


def site_slug(lsg_id: str, site_id: str) -> str:
    return f"{lsg_id}-{site_id}"


def site_name(inv: Inventory, name: str) -> str:
    return f"{tenant_name(inv)} / {name}"


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
                "lsg_backup": _json(inv.backup) if inv.backup is not None else None,
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


__all__ = ["asset_names", "circuit_ids", "desired_state", "slugify"]
