r"""The system itself: host name, operating system release, kernel, virtualisation, uptime.

>>> parse_os_release('ID=debian\nNAME="Debian GNU/Linux"\nVERSION_ID="13"\n')
OsInfo(id='debian', name='Debian', version='13', pretty=None, id_like=[])
"""

from __future__ import annotations

import re
import shlex

from lsg_infra.discovery.facts.base import Fact
from lsg_infra.discovery.facts.models import KernelInfo, OsInfo


def parse_hostname(text: str) -> str | None:
    line = text.strip().splitlines()[0].strip() if text.strip() else ""
    # A host name is letters, digits, dots, dashes; anything else is not one.
    return line if re.fullmatch(r"[A-Za-z0-9_.-]{1,253}", line) else None


def _os_release_pairs(text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        try:
            parts = shlex.split(value)
        except ValueError:
            parts = [value.strip("\"'")]
        pairs[key.strip()] = " ".join(parts)
    return pairs


# os-release NAME is long ("Debian GNU/Linux", "Red Hat Enterprise Linux"); people
# write the short product name in inventories.
SHORT_OS_NAMES = {
    "debian": "Debian",
    "ubuntu": "Ubuntu",
    "rocky": "Rocky Linux",
    "almalinux": "AlmaLinux",
    "rhel": "Red Hat Enterprise Linux",
    "centos": "CentOS",
    "ol": "Oracle Linux",
    "fedora": "Fedora",
    "sles": "SUSE Linux Enterprise Server",
    "opensuse-leap": "openSUSE Leap",
}


# Products that keep another product's ID and differ only in NAME. CentOS Stream says
# ID=centos like CentOS Linux, but its end of support is its own (Stream 9: 2027-05-31;
# CentOS Linux 7: 2024-06-30): named "CentOS" it would be looked up as CentOS Linux.
NAME_VARIANTS = {"centos": ("CentOS Stream",)}


def _short_name(os_id: str, name: str) -> str:
    for variant in NAME_VARIANTS.get(os_id, ()):
        if name.casefold().startswith(variant.casefold()):
            return variant
    return SHORT_OS_NAMES.get(os_id) or name or os_id


def parse_os_release(text: str) -> OsInfo | None:
    pairs = _os_release_pairs(text)
    os_id = pairs.get("ID", "").lower()
    if not os_id:
        return None
    return OsInfo(
        id=os_id,
        name=_short_name(os_id, pairs.get("NAME", "")),
        version=pairs.get("VERSION_ID") or None,
        pretty=pairs.get("PRETTY_NAME") or None,
        id_like=pairs.get("ID_LIKE", "").split(),
    )


def parse_kernel(text: str) -> KernelInfo | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    return KernelInfo(name=lines[0], release=lines[1], machine=lines[2] if len(lines) > 2 else None)


def parse_virtualisation(text: str) -> str | None:
    word = text.strip().splitlines()[0].strip() if text.strip() else ""
    return word if re.fullmatch(r"[a-z0-9-]{1,32}", word) else None


def parse_uptime(text: str) -> float | None:
    try:
        return float(text.split()[0])
    except (IndexError, ValueError):
        return None


HOSTNAME = Fact("hostname", "hostname 2>/dev/null || cat /proc/sys/kernel/hostname", parse_hostname)
OS = Fact("os", "cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release", parse_os_release)
KERNEL = Fact("kernel", "uname -s; uname -r; uname -m", parse_kernel)
VIRTUALISATION = Fact(
    "virtualisation", "systemd-detect-virt 2>/dev/null || true", parse_virtualisation
)
UPTIME = Fact("uptime", "cat /proc/uptime", parse_uptime)
