"""Validated records: the inventory of an LSG, blueprints, the price catalogue."""

from lsg_infra.model.inventory import (
    Asset,
    AssetKind,
    Control,
    Country,
    Inventory,
    Link,
    Management,
    Municipality,
    OperatingSystem,
    Site,
    SiteRole,
    Software,
    SourceRef,
)

__all__ = [
    "Asset",
    "AssetKind",
    "Control",
    "Country",
    "Inventory",
    "Link",
    "Management",
    "Municipality",
    "OperatingSystem",
    "Site",
    "SiteRole",
    "Software",
    "SourceRef",
]
