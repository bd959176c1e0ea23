"""The Ansible inventory of one LSG, built from its lsg-infra inventory (pure).

Hosts are the servers and virtual machines that have a management address.
Groups follow the contract in playbooks/README.md: `country_<cc>`, `lsg_<cc>_<slug>`
and `role_<role>` per server role; LSG facts are group variables of the LSG group,
so that AWX or plain ansible-playbook can use the same file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsg_infra.errors import Problem
from lsg_infra.model.inventory import AssetKind, Inventory

# A website is served through the web front on the same host.
IMPLIED_ROLES: dict[str, tuple[str, ...]] = {"website": ("web",)}


# Servers in these roles have data the backup role sends to a repository host.
DATA_ROLES = frozenset({"database", "website"})


@dataclass(frozen=True, slots=True)
class Connection:
    """How Ansible reaches hosts: overrides for tests and bastions (never a password)."""

    known_hosts: Path | None = None
    identity: Path | None = None
    addresses: Mapping[str, tuple[str, int]] | None = None
    """Asset id -> (host, port) replacing the management address (e.g. 127.0.0.1:2201)."""


def group_name(*parts: str) -> str:
    return "_".join(p.replace("-", "_") for p in parts)


def host_name(inventory: Inventory, asset_id: str) -> str:
    """`kikinda-srv-01`: unique across LSGs, readable in recaps."""
    slug = inventory.id[3:]
    return asset_id if asset_id.startswith(slug + "-") else f"{slug}-{asset_id}"


def ansible_inventory(
    inventory: Inventory, *, tier: str, connection: Connection | None = None
) -> dict[str, Any]:
    """The YAML-ready Ansible inventory: one group per role, e.g.
    `["all"]["children"]["role_database"]` is {'hosts': {'kikinda-srv-01': {}}}.
    """
    m = inventory.municipality
    conn = connection or Connection()
    hosts: dict[str, dict[str, Any]] = {}
    roles: dict[str, list[str]] = {}
    for asset in inventory.assets:
        if asset.kind not in (AssetKind.SERVER, AssetKind.VIRTUAL_MACHINE):
            continue
        if asset.manage is None or asset.id is None:
            continue
        name = host_name(inventory, asset.id)
        address, port = (asset.manage.host, asset.manage.port)
        if conn.addresses and asset.id in conn.addresses:
            address, port = conn.addresses[asset.id]
        hostvars: dict[str, Any] = {
            "ansible_host": address,
            "ansible_port": port,
            "ansible_user": asset.manage.user,
            "lsg_asset_id": asset.id,
            "lsg_public": asset.public,
        }
        hosts[name] = hostvars
        for role in asset.roles:
            for r in (role, *IMPLIED_ROLES.get(role, ())):
                members = roles.setdefault(group_name("role", r), [])
                if name not in members:
                    members.append(name)
    group_vars: dict[str, Any] = {
        "lsg_id": m.id,
        "lsg_name": m.name,
        "lsg_name_local": m.name_local or m.name,
        "lsg_country": m.country,
        "lsg_tier": tier,
    }
    if inventory.backup is not None and inventory.backup.offsite is not None:
        group_vars["lsg_backup_offsite"] = inventory.backup.offsite.model_dump(exclude_none=True)
    ssh_args = []
    if conn.known_hosts is not None:
        ssh_args += [f"-o UserKnownHostsFile={conn.known_hosts}", "-o StrictHostKeyChecking=yes"]
    all_vars: dict[str, Any] = {}
    if ssh_args:
        all_vars["ansible_ssh_common_args"] = " ".join(ssh_args)
    if conn.identity is not None:
        all_vars["ansible_ssh_private_key_file"] = str(conn.identity)
    children: dict[str, Any] = {
        group_name("country", m.country.lower()): {"hosts": dict.fromkeys(hosts, None)},
        group_name("lsg", m.id): {"hosts": dict.fromkeys(hosts, None), "vars": group_vars},
    }
    for group in sorted(roles):
        children[group] = {"hosts": dict.fromkeys(roles[group], None)}
    return {"all": {"vars": all_vars, "hosts": hosts, "children": children}}


def backup_problems(inventory: Inventory) -> list[Problem]:
    """Managed servers with data whose backups could only stay on themselves.

    A server's backups go to the REST server of another managed server of the LSG
    with the role `backup`: one that is its own only repository host would lose its
    data and its backups together.

    >>> from lsg_infra.model.inventory import Inventory
    >>> inv = Inventory.model_validate({
    ...     "municipality": {"id": "rs-x", "name": "X", "country": "RS",
    ...                      "population": 1000, "employees": 10},
    ...     "sites": [{"id": "hq", "name": "HQ"}],
    ...     "assets": [{"id": "db01", "kind": "server", "site": "hq",
    ...                 "roles": ["database", "backup"], "manage": {"host": "db01"}}]})
    >>> [p.where for p in backup_problems(inv)]
    ['asset db01']
    """
    managed = [
        a
        for a in inventory.assets
        if a.kind in (AssetKind.SERVER, AssetKind.VIRTUAL_MACHINE)
        and a.manage is not None
        and a.id is not None
    ]
    repository_hosts = {a.id for a in managed if "backup" in a.roles}
    problems = []
    for asset in managed:
        data = sorted(DATA_ROLES.intersection(asset.roles))
        if data and not repository_hosts - {asset.id}:
            others = [a.id for a in managed if a.id is not None and a.id != asset.id]
            if others:
                advice = (
                    f"no other managed server of {inventory.id} has the role backup; a server "
                    "must not keep its only backup repository on itself: give one of "
                    f"{', '.join(others)} the role backup"
                )
            else:
                # The LSG has nothing to give the role to: say what to add. The
                # blueprint's backup-storage requirement is what budgets it in the plan.
                advice = (
                    f"it is the only managed server of {inventory.id}, and a server must not "
                    "keep its only backup repository on itself: add a second managed server or "
                    "virtual machine on other hardware (Debian 13, roles: [backup], manage: "
                    "{host: ...}) to keep its backups; lsg plan budgets backup storage "
                    "(requirement backup-storage)"
                )
            source = asset.source
            problems.append(
                Problem(
                    source.file if source else inventory.id,
                    source.line if source else 0,
                    f"asset {asset.id}",
                    f"has data to back up (roles {', '.join(data)}) but {advice}",
                )
            )
    return problems
