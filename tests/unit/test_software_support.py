"""End-of-support dates of blueprints/software_support.yaml for products common in LSG
server rooms, under the names inventories and discovery give them.

The gap analysis flags a product as unsupported when its end date is on or before the
plan date (`end <= today` in gaps._software_support); so each case checks the product is
known under that name, still supported the day before its end and unsupported from it.
"""

from __future__ import annotations

import datetime as dt
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
    [("Exchange Server", "Subscription Edition"), ("Drupal", "11"), ("ESXi", "9.0")],
)
def test_evergreen_or_unlisted_versions_are_never_flagged(
    software: SoftwareSupport, name: str, version: str
) -> None:
    assert not unsupported_on(software, name, version, dt.date(2099, 1, 1))


def test_free_products_are_marked_free(software: SoftwareSupport) -> None:
    free = {p.id for p in software.products if p.free}
    assert {"centos", "centos-stream", "drupal"} <= free
    assert not {"sql-server", "exchange", "esxi"} & free
