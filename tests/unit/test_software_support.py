"""End-of-support dates of blueprints/software_support.yaml for products common in LSG
server rooms, under the names inventories and discovery give them.

The gap analysis flags a product as unsupported when its end date is on or before the
plan date (`end <= today` in gaps._software_support); so each case checks the product is
known under that name, still supported the day before its end and unsupported from it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from lsg_infra.model.blueprint import SoftwareSupport
from lsg_infra.readers.blueprints import load_library

ROOT = Path(__file__).resolve().parents[2]

ONE_DAY = dt.timedelta(days=1)

# (name as an inventory writes it, version, end of free security support)
CASES = [
    ("CentOS", "7", dt.date(2024, 6, 30)),
    ("CentOS Linux", "7.9.2009", dt.date(2024, 6, 30)),
    ("CentOS Stream", "8", dt.date(2024, 5, 31)),
    ("Microsoft SQL Server", "2014", dt.date(2024, 7, 9)),
    ("SQL Server", "2016", dt.date(2026, 7, 14)),
    ("MS SQL", "2012", dt.date(2022, 7, 12)),
    ("MSSQL", "2019", dt.date(2030, 1, 8)),
    ("Microsoft Exchange Server", "2016", dt.date(2025, 10, 14)),
    ("Exchange", "2013", dt.date(2023, 4, 11)),
    ("VMware ESXi", "6.7", dt.date(2022, 10, 15)),
    ("vSphere ESXi", "6.5.0", dt.date(2022, 10, 15)),
    ("ESXi", "7.0", dt.date(2025, 10, 2)),
    ("VMware vSphere", "8.0", dt.date(2027, 10, 11)),
    ("Drupal", "7.x", dt.date(2025, 1, 5)),
    ("Drupal", "10", dt.date(2026, 12, 1)),  # month per drupal.org, first day (see the yaml)
    ("LibreOffice", "7.4", dt.date(2023, 6, 12)),
    ("LibreOffice", "7.6", dt.date(2024, 6, 12)),
    ("LibreOffice", "25.8", dt.date(2026, 6, 12)),
    ("LibreOffice", "26.2", dt.date(2026, 11, 30)),
    ("WordPress", "4.0", dt.date(2022, 12, 1)),
    ("WordPress", "4.6", dt.date(2025, 7, 15)),
]


@pytest.fixture(scope="module")
def software() -> SoftwareSupport:
    result = load_library(ROOT / "blueprints")
    assert result.library is not None, result.problems
    return result.library.software


def unsupported_on(software: SoftwareSupport, name: str, version: str, day: dt.date) -> bool:
    known, end = software.end_of_support(name, version)
    return known and end is not None and end <= day


@pytest.mark.parametrize(("name", "version", "end"), CASES)
def test_supported_before_its_end_and_unsupported_from_it(
    software: SoftwareSupport, name: str, version: str, end: dt.date
) -> None:
    assert software.end_of_support(name, version) == (True, end)
    assert not unsupported_on(software, name, version, end - ONE_DAY)
    assert unsupported_on(software, name, version, end)


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("Exchange Server", "Subscription Edition"),
        ("Drupal", "11"),
        ("ESXi", "9.0"),
        # WordPress sets no end for 4.7 and later (courtesy backports, see the yaml)
        ("WordPress", "4.7"),
        ("WordPress", "6.4"),
        ("LibreOffice", "26.8"),
    ],
)
def test_evergreen_or_unlisted_versions_are_never_flagged(
    software: SoftwareSupport, name: str, version: str
) -> None:
    assert not unsupported_on(software, name, version, dt.date(2099, 1, 1))


def test_free_products_are_marked_free(software: SoftwareSupport) -> None:
    free = {p.id for p in software.products if p.free}
    assert {"centos", "centos-stream", "drupal", "libreoffice", "wordpress"} <= free
    assert not {"sql-server", "exchange", "esxi"} & free


def test_a_free_office_suite_past_its_end_is_upgraded_not_replaced_by_subscriptions() -> None:
    # Vevčani's 16 seats of LibreOffice 7.4 (ended 2023-06-12): one day to package and test
    # the new branch plus a twentieth of a day per seat, 1.8 rounded up to 2 expert days;
    # before the case-specific remedies this was 16 office subscriptions a year.
    from lsg_infra import api

    inventories = api.load_inventories([ROOT / "inventory" / "mk" / "vevcani.yaml"])
    day = dt.date(2026, 12, 1)
    plan = api.plan(inventories, blueprint_root=ROOT / "blueprints", today=day, years=[2027])
    [line] = [ln for ln in plan.lines if ln.requirement == "office-supported"]
    assert (line.item, line.quantity) == ("software-upgrade-service", Decimal(2))
    assert "LibreOffice 7.4 since 2023-06-12" in line.reason
