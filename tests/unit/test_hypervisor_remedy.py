"""An unsupported virtualisation host (VMware ESXi) is remedied by a host subscription of a
supported version, never by a Windows Server licence and CALs (found on the Podgorica sample
once ESXi's end of support was known)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from lsg_infra import api

ROOT = Path(__file__).resolve().parents[2]


def test_an_esxi_host_gets_a_host_subscription_not_a_windows_licence() -> None:
    # Podgorica's servers past end of support on 2026-12-01, worked out from the inventory:
    # Debian 10 (free: 2 expert days), VMware ESXi 7.0 (a host: 2 days and 1 subscription),
    # Windows Server 2012 R2 (2 days, 1 licence, CALs for the 780 staff once per LSG).
    inventories = api.load_inventories([ROOT / "inventory" / "me" / "podgorica.yaml"])
    day = dt.date(2026, 12, 1)
    plan = api.plan(inventories, blueprint_root=ROOT / "blueprints", today=day, years=[2027])
    lines = {ln.item: ln.quantity for ln in plan.lines if ln.requirement == "os-servers-supported"}
    assert lines == {
        "software-upgrade-service": Decimal(6),
        "server-os-licence": Decimal(1),
        "windows-server-cal": Decimal(780),
        "hypervisor-licence": Decimal(1),
    }
