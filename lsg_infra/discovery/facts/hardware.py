r"""The hardware: processors, memory, mounted filesystems and whole disks.

>>> parse_meminfo("MemTotal:       65843200 kB\n").total_gb
62.8
"""

from __future__ import annotations

import json
import re

from lsg_infra.discovery.facts.base import KIB, Fact, to_int
from lsg_infra.discovery.facts.models import BlockDevice, CpuInfo, Filesystem, MemoryInfo


def parse_cpu(text: str) -> CpuInfo | None:
    """`lscpu` output, or the matching lines of /proc/cpuinfo where lscpu is missing."""
    fields: dict[str, str] = {}
    processors = 0
    physical: set[tuple[str, str]] = set()
    physical_id = "0"
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key == "processor":
            processors += 1
        elif key == "physical id":
            physical_id = value
        elif key == "core id":
            physical.add((physical_id, value))
        fields.setdefault(key, value)
    if "CPU(s)" in fields:  # lscpu
        logical = to_int(fields["CPU(s)"])
        if logical is None:
            return None
        per_socket = to_int(fields.get("Core(s) per socket"))
        sockets = to_int(fields.get("Socket(s)")) or to_int(fields.get("Cluster(s)"))
        cores = per_socket * sockets if per_socket and sockets else logical
        return CpuInfo(
            model=fields.get("Model name") or None, logical=logical, cores=cores, sockets=sockets
        )
    if processors:
        return CpuInfo(
            model=fields.get("model name") or fields.get("Processor") or None,
            logical=processors,
            cores=len(physical) or processors,
            sockets=len({p for p, _ in physical}) or None,
        )
    return None


def parse_meminfo(text: str) -> MemoryInfo | None:
    values: dict[str, int] = {}
    for line in text.splitlines():
        m = re.match(r"^(\w+):\s+(\d+)\s*kB", line)
        if m:
            values[m.group(1)] = int(m.group(2)) * KIB
    if "MemTotal" not in values:
        return None
    return MemoryInfo(
        total_bytes=values["MemTotal"],
        available_bytes=values.get("MemAvailable"),
        swap_bytes=values.get("SwapTotal"),
    )


PSEUDO_FILESYSTEMS = frozenset(
    {"tmpfs", "devtmpfs", "squashfs", "efivarfs", "proc", "sysfs", "devpts", "cgroup", "cgroup2"}
)


def parse_df(text: str) -> list[Filesystem]:
    """`df -P -T -B1`: device, type, size, used, available, capacity, mount (may hold spaces)."""
    result: list[Filesystem] = []
    seen: set[tuple[int, int, int]] = set()
    for line in text.splitlines():
        parts = line.split(None, 6)
        if len(parts) < 7 or parts[0] == "Filesystem":
            continue
        device, fstype, size, used, free, _capacity, mount = parts
        numbers = [to_int(size), to_int(used), to_int(free)]
        if fstype in PSEUDO_FILESYSTEMS or any(n is None for n in numbers):
            continue
        s, u, f = (n or 0 for n in numbers)
        # A bind mount (a container's /etc/hosts, a bind-mounted folder) shows the same
        # filesystem again, with the same numbers: count it once.
        if (s, u, f) in seen:
            continue
        seen.add((s, u, f))
        result.append(
            Filesystem(
                device=device, type=fstype, mount=mount, size_bytes=s, used_bytes=u, free_bytes=f
            )
        )
    return result


def parse_lsblk(text: str) -> list[BlockDevice]:
    """`lsblk -J -b -d -o NAME,SIZE,TYPE,ROTA,MODEL`: whole disks only."""
    if not text.strip():
        return []
    data = json.loads(text)
    result: list[BlockDevice] = []
    for dev in data.get("blockdevices", []) if isinstance(data, dict) else []:
        if not isinstance(dev, dict) or dev.get("type") != "disk":
            continue
        size = dev.get("size")
        size = to_int(size) if isinstance(size, str) else size
        if not isinstance(size, int) or size <= 0:
            continue
        rota = dev.get("rota")
        model = dev.get("model")
        result.append(
            BlockDevice(
                name=str(dev.get("name")),
                size_bytes=size,
                rotational=rota in (True, "1", 1) if rota is not None else None,
                model=model.strip() if isinstance(model, str) and model.strip() else None,
            )
        )
    return result


CPU = Fact(
    "cpu",
    "lscpu 2>/dev/null || grep -E '^(processor|model name|physical id|core id)' /proc/cpuinfo",
    parse_cpu,
)
MEMORY = Fact("memory", "cat /proc/meminfo", parse_meminfo)
FILESYSTEMS = Fact("filesystems", "df -P -T -B1 -l -x tmpfs -x devtmpfs -x squashfs", parse_df)
DISKS = Fact("disks", "lsblk -J -b -d -o NAME,SIZE,TYPE,ROTA,MODEL", parse_lsblk)
