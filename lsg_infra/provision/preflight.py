"""Preflight: before a run, check each host over SSH (paramiko) can take the playbooks.

Checks: reachable with the host key verified, sudo without a password, an OS release
the roles support and that still has security support (platforms.py: the roles'
meta platforms resolved through blueprints/software_support.yaml), enough free disk
on /, and a clock that agrees with this machine's. One result per host; a host that
fails a check never stops the others.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lsg_infra.errors import LsgError
from lsg_infra.hostpool import run_per_host
from lsg_infra.model.blueprint import SoftwareSupport
from lsg_infra.provision.platforms import Platform, os_verdict
from lsg_infra.ssh import Connector, Target

GIB = 1024**3
MIN_FREE_BYTES = 4 * GIB
MAX_CLOCK_SKEW_S = 60

SCRIPT = r"""
if sudo -n true 2>/dev/null; then echo "sudo=yes"; else echo "sudo=no"; fi
if [ -r /etc/os-release ]; then . /etc/os-release; echo "os=${ID:-?} ${VERSION_ID:-?}"; fi
echo "disk_free=$(df -P -B1 / 2>/dev/null | awk 'NR==2 {print $4}')"
echo "ntp=$(timedatectl show -p NTPSynchronized --value 2>/dev/null || echo unknown)"
echo "epoch=$(date +%s)"
"""


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class PreflightResult:
    target: Target
    checks: list[Check] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and all(c.ok for c in self.checks)


@dataclass(frozen=True, slots=True)
class OsPolicy:
    """The releases the roles support and the end-of-support data they come from."""

    platforms: tuple[Platform, ...]
    software: SoftwareSupport


def load_policy(blueprints: Path | None = None, playbooks: Path | None = None) -> OsPolicy:
    """The releases the roles in `playbooks` support, with the end-of-support data of
    `blueprints` (both default to lsg-infra's own)."""
    from lsg_infra import bundled
    from lsg_infra.provision import platforms
    from lsg_infra.readers.blueprints import require_library

    software = require_library(blueprints or bundled.blueprints()).software
    roles = platforms.read_role_platforms((playbooks or bundled.playbooks()).resolve())
    return OsPolicy(tuple(platforms.resolve(roles, software)), software)


def parse(output: str, now: float, policy: OsPolicy) -> list[Check]:
    """The checks from the script's output (pure; `now` is this machine's clock, epoch s)."""
    facts = dict(line.split("=", 1) for line in output.splitlines() if "=" in line)
    checks = [Check("reachable", True, "SSH login with a verified host key")]
    sudo = facts.get("sudo") == "yes"
    checks.append(Check("sudo", sudo, "passwordless" if sudo else "sudo asks for a password"))
    os_id, _, version = facts.get("os", "? ?").partition(" ")
    today = dt.datetime.fromtimestamp(now, dt.UTC).date()
    supported, detail = os_verdict(os_id, version, policy.platforms, policy.software, today)
    checks.append(Check("os", supported, detail))
    try:
        free = int(facts.get("disk_free", ""))
    except ValueError:
        checks.append(Check("disk", False, "could not read free space on /"))
    else:
        checks.append(
            Check(
                "disk",
                free >= MIN_FREE_BYTES,
                f"{free / GIB:.1f} GiB free on /; at least {MIN_FREE_BYTES / GIB:.0f} GiB needed",
            )
        )
    try:
        skew = abs(int(facts.get("epoch", "")) - now)
    except ValueError:
        checks.append(Check("time", False, "could not read the host's clock"))
    else:
        ntp = facts.get("ntp", "unknown")
        checks.append(
            Check(
                "time",
                skew <= MAX_CLOCK_SKEW_S,
                f"clock {skew:.0f} s from this machine's (NTP synchronised: {ntp})",
            )
        )
    return checks


def preflight_host(
    target: Target,
    connector: Connector,
    policy: OsPolicy | None = None,
    clock: Callable[[], float] = time.time,
) -> PreflightResult:
    """One host's checks; `policy` defaults to lsg-infra's own roles and blueprints."""
    try:
        output = connector.run(target, SCRIPT)
    except LsgError as exc:
        return PreflightResult(target, [Check("reachable", False, str(exc))], error=str(exc))
    return PreflightResult(target, parse(output.stdout, clock(), policy or load_policy()))


def preflight(
    targets: Sequence[Target],
    connector: Connector,
    policy: OsPolicy,
    *,
    workers: int = 10,
    progress: Callable[[PreflightResult], None] | None = None,
) -> list[PreflightResult]:
    """One result per target, in the order given; `progress` is called as each finishes."""
    return run_per_host(
        targets,
        lambda t: preflight_host(t, connector, policy),
        workers=workers,
        progress=progress,
        thread_name="lsg-preflight",
    )
