"""Synthetic national-scale inventories, for tests and benchmarks.

`generate(lsgs=250, assets_per_lsg=400, seed=1)` yields `(relative_path, yaml_text)`
pairs such as `("rs/kikinda.yaml", "municipality:\\n  id: rs-kikinda\\n...")`: real LSG
names, districts and census populations from blueprints/reference/lsgs.csv, random but
plausible sites, links, assets, software, services and controls. The same arguments
always give byte-identical text (each LSG draws from its own seeded generator), and
every file validates. Pure: reads the packaged CSVs, writes nothing.
"""

from __future__ import annotations

import csv
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lsg_infra.readers import lsg_reference

FIRST_YEAR = 2008
LAST_YEAR = 2025
"""Purchase years; fixed (not today's year) so that output never depends on the date."""

CONTROL_IDS = (
    "security-act",
    "firewall",
    "backup",
    "offsite-backup",
    "logging",
    "malware-protection",
    "incident-response",
    "business-continuity",
)


@dataclass(frozen=True, slots=True)
class LsgName:
    """One row of the reference lists: who the LSG is (population 0 when unknown)."""

    country: str
    slug: str
    name: str
    name_local: str
    district: str | None
    population: int
    type: str


def _rows(file_name: str) -> list[dict[str, str]]:
    text = resources.files("lsg_infra").joinpath("data", file_name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def reference_lsgs() -> tuple[LsgName, ...]:
    """Every LSG of reference/lsgs.csv, interleaved RS, ME, MK (any prefix has all three)."""
    path = lsg_reference.find(None)
    if path is None:  # pragma: no cover - a broken install; bundled.blueprints() says so first
        raise FileNotFoundError("blueprints/reference/lsgs.csv is not installed")
    by_country: dict[str, list[LsgName]] = {"RS": [], "ME": [], "MK": []}
    for known in lsg_reference.load(path).values():
        slug = known.id.split("-", 1)[1]
        by_country[known.country].append(
            LsgName(
                known.country,
                slug,
                known.name,
                known.name_local,
                known.district,
                known.population or 0,
                known.type,
            )
        )
    lists = list(by_country.values())
    out: list[LsgName] = []
    for i in range(max(len(names) for names in lists)):
        out.extend(names[i] for names in lists if i < len(names))
    return tuple(out)


@cache
def service_ids() -> dict[str, tuple[str, ...]]:
    """eService ids by country code, from the packaged catalogue."""
    codes = {"Serbia": "RS", "Montenegro": "ME", "North Macedonia": "MK"}
    out: dict[str, list[str]] = {"RS": [], "ME": [], "MK": []}
    for row in _rows("egov_services.csv"):
        code = codes.get(row["country"])
        if code:
            out[code].append(row["id"])
    return {k: tuple(v) for k, v in out.items()}


def generate_inventories(
    lsgs: int, assets_per_lsg: int, seed: int
) -> Iterator[tuple[str, dict[str, Any]]]:
    """`(relative_path, inventory_dict)` for `lsgs` LSGs with `assets_per_lsg` asset records.

    >>> next(generate_inventories(1, 10, 1))[0]
    'rs/beograd.yaml'
    """
    if lsgs < 0 or assets_per_lsg < 0:
        raise ValueError("lsgs and assets_per_lsg must not be negative")
    names = reference_lsgs()
    for index in range(lsgs):
        base = names[index % len(names)]
        round_ = index // len(names)
        lsg = base
        if round_:  # more LSGs than real names: synthetic twins with a suffix
            lsg = LsgName(
                base.country,
                f"{base.slug}-{round_ + 1}",
                f"{base.name} {round_ + 1}",
                f"{base.name_local} {round_ + 1}",
                base.district,
                0,
                "municipality" if base.type == "capital" else base.type,
            )
        rng = random.Random(f"lsg-infra-sample:{seed}:{index}")  # noqa: S311 - data, not secrets
        path = f"{lsg.country.lower()}/{lsg.slug}.yaml"
        yield path, _inventory(lsg, assets_per_lsg, rng)


def generate(lsgs: int, assets_per_lsg: int, seed: int) -> Iterator[tuple[str, str]]:
    """`(relative_path, yaml_text)` for each synthetic LSG; see the module docstring."""
    for path, doc in generate_inventories(lsgs, assets_per_lsg, seed):
        header = (
            f"# SYNTHETIC inventory from `lsg sample generate` (seed {seed}): name, district\n"
            "# and census population from blueprints/reference/lsgs.csv where known; everything\n"
            "# else is random and ILLUSTRATIVE only.\n"
        )
        yield path, header + to_yaml(doc)


def _inventory(lsg: LsgName, n_assets: int, rng: random.Random) -> dict[str, Any]:
    population = lsg.population or int(rng.lognormvariate(9.6, 0.8)) + 1_000
    employees = max(8, min(20_000, population // rng.randint(90, 220)))
    municipality: dict[str, Any] = {
        "id": f"{lsg.country.lower()}-{lsg.slug}",
        "name": lsg.name,
        "name_local": lsg.name_local,
        "country": lsg.country,
        "type": lsg.type,
    }
    if lsg.district:
        municipality["district"] = lsg.district
    municipality |= {
        "population": population,
        "employees": employees,
        "it_staff": rng.randint(0, max(1, employees // 50)),
        "trained_staff": rng.randint(0, employees),
    }
    n_sites = 1 + min(8, population // 40_000) + rng.randint(0, 2)
    sites: list[dict[str, Any]] = [
        {
            "id": "town-hall",
            "name": "Town hall",
            "roles": ["headquarters", "service-centre"],
            "server_room": rng.random() < 0.7,
        }
    ]
    for i in range(1, n_sites):
        sites.append(
            {
                "id": f"office-{i:02d}",
                "name": f"Local office {i}",
                "roles": ["local-office"],
                "employees": rng.randint(2, 40),
            }
        )
    links = []
    for site in sites:
        kind = rng.choice(("fiber", "fiber", "dsl", "cable", "radio", "mobile"))
        down = rng.choice((4, 10, 20, 50, 100, 200, 500, 1000))
        link: dict[str, Any] = {
            "site": site["id"],
            "kind": kind,
            "provider": rng.choice(_PROVIDERS[lsg.country]),
            "down_mbps": down,
            "up_mbps": max(1, down // rng.choice((1, 2, 5, 10))),
        }
        links.append(link)
        if site["id"] == "town-hall" and rng.random() < 0.3:
            links.append(link | {"kind": "mobile", "down_mbps": 50, "redundant": True})
    assets = _assets(lsg, n_assets, [s["id"] for s in sites], rng)
    servers = [a["id"] for a in assets if a["kind"] == "server"]
    software = []
    for name, category, versions in rng.sample(_SOFTWARE, rng.randint(2, len(_SOFTWARE))):
        item: dict[str, Any] = {"name": name, "category": category}
        item["version"] = rng.choice(versions)
        if servers and category in ("database", "dms", "cms", "backup"):
            item["installed_on"] = rng.choice(servers)
        software.append(item)
    offered = service_ids()[lsg.country]
    services = sorted(rng.sample(offered, rng.randint(0, len(offered))))
    controls: dict[str, Any] = {}
    for control in CONTROL_IDS:
        roll = rng.random()
        if roll < 0.2:
            continue
        if control == "backup":
            controls[control] = {"in_place": roll > 0.4, "offsite": roll > 0.7}
        else:
            controls[control] = roll > 0.5
    return {
        "municipality": municipality,
        "sites": sites,
        "links": links,
        "assets": assets,
        "software": software,
        "services": services,
        "controls": controls,
    }


_PROVIDERS = {
    "RS": ("Telekom Srbija", "SBB", "A1 Srbija", "Yettel"),
    "ME": ("Crnogorski Telekom", "One Montenegro", "m:tel"),
    "MK": ("Makedonski Telekom", "A1 Makedonija", "Telekabel"),
}
_SOFTWARE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Microsoft Office", "office", ("2010", "2013", "2016", "2019", "2021")),
    ("LibreOffice", "office", ("7.4", "7.6", "24.2")),
    ("ESET Endpoint Security", "anti-malware", ("9", "10", "11")),
    ("Veeam Backup & Replication", "backup", ("10", "11", "12")),
    ("PostgreSQL", "database", ("11", "13", "15", "16")),
    ("Microsoft SQL Server", "database", ("2012", "2016", "2019")),
    ("Example e-Office", "dms", ("3.2", "4.0", "5.1")),
    ("WordPress", "cms", ("5.9", "6.4", "6.5")),
    ("Zabbix", "monitoring", ("5.0", "6.0", "7.0")),
    ("Example Accounting", "accounting", ("4.0", "4.1")),
)
_SERVER_OS = (
    ("Windows Server", "2008 R2"),
    ("Windows Server", "2012 R2"),
    ("Windows Server", "2016"),
    ("Windows Server", "2019"),
    ("Windows Server", "2022"),
    ("Debian", "10"),
    ("Debian", "11"),
    ("Debian", "12"),
    ("Ubuntu", "20.04"),
    ("Ubuntu", "22.04"),
    ("Proxmox VE", "8.2"),
)
_CLIENT_OS = (("Windows", "7"), ("Windows", "10"), ("Windows", "10"), ("Windows", "11"))
_END_USER = (
    ("workstation", 55),
    ("laptop", 15),
    ("printer", 15),
    ("scanner", 5),
    ("switch", 5),
    ("access-point", 5),
)


def _assets(lsg: LsgName, n: int, sites: list[str], rng: random.Random) -> list[dict[str, Any]]:
    """`n` asset records, one item each: servers and VMs first, then infrastructure, then desks."""
    year = rng.randint
    n_servers = max(1, n // 40)
    core: list[dict[str, Any]] = []
    for i in range(1, n_servers + 1):
        os_name, os_version = rng.choice(_SERVER_OS)
        server: dict[str, Any] = {
            "id": f"srv-{i:02d}",
            "kind": "server",
            "site": "town-hall",
            "manufacturer": rng.choice(("Dell", "HPE", "Lenovo", "Fujitsu")),
            "purchased": year(FIRST_YEAR, LAST_YEAR),
            "cpu_cores": rng.choice((4, 8, 12, 16, 24, 32)),
            "ram_gb": rng.choice((8, 16, 32, 64, 128, 256)),
            "storage_tb": rng.choice((0.5, 1, 2, 4, 8, 16)),
            "os": {"name": os_name, "version": os_version},
            "roles": sorted(rng.sample(("file", "database", "web", "application", "backup"), 2)),
        }
        if rng.random() < 0.6:
            server["manage"] = {
                "host": f"srv-{i:02d}.{lsg.slug}.local",
                "port": 22,
                "user": "admin",
            }
        core.append(server)
    for i in range(1, 2 * n_servers + 1):
        os_name, os_version = rng.choice(_SERVER_OS[2:])
        core.append(
            {
                "id": f"vm-{i:02d}",
                "kind": "virtual-machine",
                "site": "town-hall",
                "host": f"srv-{rng.randint(1, n_servers):02d}",
                "cpu_cores": rng.choice((2, 4, 8)),
                "ram_gb": rng.choice((4, 8, 16, 32)),
                "os": {"name": os_name, "version": os_version},
                "roles": [rng.choice(("web", "database", "directory", "mail", "monitoring"))],
            }
        )
    if rng.random() < 0.8:
        core.append({"id": "fw-01", "kind": "firewall", "site": "town-hall", "purchased": 2018})
    if rng.random() < 0.7:
        core.append(
            {
                "id": "ups-01",
                "kind": "ups",
                "site": "town-hall",
                "purchased": year(FIRST_YEAR, LAST_YEAR),
                "capacity_va": rng.choice((1000, 1500, 3000, 6000)),
            }
        )
    if rng.random() < 0.6:
        core.append(
            {
                "id": "nas-01",
                "kind": "storage",
                "site": "town-hall",
                "purchased": year(FIRST_YEAR, LAST_YEAR),
                "storage_tb": rng.choice((4, 8, 16, 32)),
            }
        )
    for site in sites:
        core.append(
            {"id": f"rt-{site}", "kind": "router", "site": site, "purchased": year(2010, 2024)}
        )
    assets = core[:n]
    kinds = [k for k, _ in _END_USER]
    weights = [w for _, w in _END_USER]
    for i in range(len(assets) + 1, n + 1):
        kind = rng.choices(kinds, weights)[0]
        asset: dict[str, Any] = {
            "id": f"a-{i:05d}",
            "kind": kind,
            "site": sites[0] if rng.random() < 0.8 else rng.choice(sites),
            "purchased": year(FIRST_YEAR, LAST_YEAR),
        }
        if kind in ("workstation", "laptop"):
            asset["ram_gb"] = rng.choice((2, 4, 8, 16))
            os_name, os_version = rng.choice(_CLIENT_OS)
            asset["os"] = {"name": os_name, "version": os_version}
        elif kind == "switch":
            asset["ports"] = rng.choice((8, 24, 48))
        assets.append(asset)
    return assets


# --- rendering: a small emitter for this shape, much faster than yaml.dump -------------

_PLAIN = re.compile(r"^[^\W\d_](?:[\w .()/+&-]*[\w.)])?$")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED and ": " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def to_yaml(doc: dict[str, Any]) -> str:
    """Block style at the top, one flow mapping per record; servers in block style."""
    out: list[str] = []
    for key, value in doc.items():
        if isinstance(value, dict):
            if not value:
                out.append(f"{key}: {{}}")
                continue
            out.append(f"{key}:")
            out.extend(f"  {k}: {_flow(v)}" for k, v in value.items())
        elif isinstance(value, list):
            if not value or all(not isinstance(v, dict | list) for v in value):
                out.append(f"{key}: {_flow(value)}")
                continue
            out.append(f"{key}:")
            for item in value:
                if isinstance(item, dict) and item.get("kind") == "server":
                    lines = [f"{k}: {_flow(v)}" for k, v in item.items()]
                    out.append("  - " + lines[0])
                    out.extend("    " + line for line in lines[1:])
                else:
                    out.append(f"  - {_flow(item)}")
        else:
            out.append(f"{key}: {_scalar(value)}")
    return "\n".join(out) + "\n"
