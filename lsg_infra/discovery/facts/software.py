"""The software: installed packages, running services and when updates were last applied.

The two longer commands are shell files beside this module (packages.sh, updates.sh),
so that they read, and can be checked, as shell.
"""

from __future__ import annotations

import datetime as dt
import re

from lsg_infra.discovery.facts.base import KIB, Fact, shell
from lsg_infra.discovery.facts.models import Packages, UpdateHistory


def parse_packages(text: str) -> Packages | None:
    """First line `manager=dpkg|rpm`, then `status<TAB>name<TAB>version<TAB>arch` lines."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("manager="):
        return None
    manager = lines[0].partition("=")[2].strip()
    rows: list[tuple[str, str, str]] = []
    for line in lines[1:]:
        parts = line.split("\t")
        if len(parts) < 4:
            continue
        status, name, version, arch = parts[:4]
        # dpkg: "ii " is installed; "rc " removed with config left, not installed
        if manager == "dpkg" and not status.startswith("i"):
            continue
        if name:
            rows.append((name, version, arch))
    arches: dict[str, set[str]] = {}
    for name, _, arch in rows:
        arches.setdefault(name, set()).add(arch)
    installed: dict[str, str] = {}
    for name, version, arch in rows:
        # dpkg multiarch (libc6:amd64 and libc6:i386) gets one key per architecture;
        # rpm keeps several versions of one package (kernels): they share the key.
        key = f"{name}:{arch}" if len(arches[name]) > 1 else name
        installed[key] = f"{installed[key]}, {version}" if key in installed else version
    return Packages(manager=manager, installed=dict(sorted(installed.items())))


def parse_services(text: str) -> list[str]:
    """`systemctl list-units --type=service --state=running --no-legend --plain`."""
    names = []
    for line in text.splitlines():
        parts = line.replace("●", " ").split()
        if parts and parts[0].endswith(".service"):
            names.append(parts[0].removesuffix(".service"))
    return sorted(set(names))


_APT_DATE = re.compile(r"^(Start-Date|End-Date):\s+(\d{4}-\d\d-\d\d)\s+(\d\d:\d\d:\d\d)")
_UU_LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)[,.]\d+ INFO "
    r"(All upgrades installed|Packages that were upgraded)"
)
_DNF_ROW = re.compile(r"^\s*(\d+)\s*\|(.*)\|\s*(\d{4}-\d\d-\d\d \d\d:\d\d)\s*\|(.*)\|")


def _subsections(text: str) -> dict[str, list[str]]:
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        m = re.fullmatch(r"--([a-z][a-z-]*[a-z])--", line.strip())
        if m:
            current = parts.setdefault(m.group(1), [])
        elif current is not None:
            current.append(line)
    return parts


def parse_updates(text: str) -> UpdateHistory | None:
    """apt history and unattended-upgrades log, or `dnf history list`."""
    parts = _subsections(text)
    if "apt-history" in parts or "unattended-upgrades" in parts:
        last: dt.datetime | None = None
        security: dt.datetime | None = None
        start: dt.datetime | None = None
        upgraded = unattended = False
        for line in parts.get("apt-history", []):
            m = _APT_DATE.match(line)
            if m and m.group(1) == "Start-Date":
                start = dt.datetime.fromisoformat(f"{m.group(2)} {m.group(3)}")
                upgraded = unattended = False
            elif line.startswith("Commandline:") and "unattended-upgrade" in line:
                unattended = True
            elif line.startswith("Upgrade:"):
                upgraded = True
            elif m and m.group(1) == "End-Date":
                end = dt.datetime.fromisoformat(f"{m.group(2)} {m.group(3)}")
                if upgraded and start is not None:
                    last = max(filter(None, [last, end]))
                    if unattended:
                        security = max(filter(None, [security, end]))
        for line in parts.get("unattended-upgrades", []):
            m2 = _UU_LINE.match(line)
            if m2:
                when = dt.datetime.fromisoformat(m2.group(1))
                security = max(filter(None, [security, when]))
                last = max(filter(None, [last, when]))
        return UpdateHistory(source="apt", last_upgrade=last, last_security_upgrade=security)
    if "dnf-history" in parts:
        last = security = None
        for line in parts["dnf-history"]:
            m3 = _DNF_ROW.match(line)
            if not m3:
                continue
            command, when_text, actions = m3.group(2), m3.group(3), m3.group(4)
            when = dt.datetime.fromisoformat(when_text)
            action_words = {a.strip() for a in actions.replace(",", " ").split()}
            if action_words & {"Upgrade", "U", "Upgraded"}:
                last = max(filter(None, [last, when]))
                if "--security" in command or "dnf-automatic" in command:
                    security = max(filter(None, [security, when]))
        return UpdateHistory(source="dnf", last_upgrade=last, last_security_upgrade=security)
    if "none" in parts:
        return UpdateHistory(source="none")
    return None


PACKAGES = Fact("packages", shell("packages.sh"), parse_packages, cap=2048 * KIB, timeout=30)
SERVICES = Fact(
    "services",
    "systemctl list-units --type=service --state=running --no-legend --no-pager --plain",
    parse_services,
    cap=256 * KIB,
)
UPDATES = Fact("updates", shell("updates.sh"), parse_updates, cap=256 * KIB, timeout=30)
