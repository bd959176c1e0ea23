"""Facts a server can tell about itself: each one a shell command and a pure parser.

A fact never touches the network or the disk on this side: its parser turns the text
a command printed into a typed value, and the unit tests feed it recorded output from
real distributions (tests/data/discovery/<distro>/<fact>.out against that folder's
expected.json). All facts of one host run as ONE script in ONE SSH session
(`session.combined_script`).

One module per domain, like pyinfra's facts: `system` (host name, OS release, kernel,
virtualisation, uptime), `hardware` (CPU, memory, filesystems, disks), `network`
(listening sockets), `software` (packages, services, updates). `models` holds the
records they return, `base` what a fact is, `session` the one script and its parsing.
A new fact is a `Fact` in its domain's module, a field of `HostFacts` and a line here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lsg_infra.discovery.facts import hardware, network, software, system
from lsg_infra.discovery.facts.base import Fact

# The order the script runs them in, and the order problems are listed in.
FACTS: tuple[Fact[Any], ...] = (
    system.HOSTNAME,
    system.OS,
    system.KERNEL,
    system.VIRTUALISATION,
    hardware.CPU,
    hardware.MEMORY,
    hardware.FILESYSTEMS,
    hardware.DISKS,
    system.UPTIME,
    network.LISTENING,
    software.PACKAGES,
    software.SERVICES,
    software.UPDATES,
)
FACTS_BY_NAME: Mapping[str, Fact[Any]] = {f.name: f for f in FACTS}
