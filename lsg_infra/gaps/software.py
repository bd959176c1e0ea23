"""Software: a product of each needed category in use, and only supported versions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, model_validator

from lsg_infra.gaps.common import Context, Kind, gap, plural, runs
from lsg_infra.model.gap import Case, Family, Gap, GapCase, GapKind
from lsg_infra.model.inventory import Asset, AssetKind, Record, SoftwareCategory
from lsg_infra.model.requirement import Id, RequirementBase, Strict, Text

if TYPE_CHECKING:
    from lsg_infra.model.blueprint import SoftwareSupport


class FreeUpgrade(Strict):
    """An unsupported version that upgrades for free on hardware bought from a year on."""

    product: Id = Field(description="Product id in software_support.yaml, e.g. windows.")
    version: Text = Field(description="The unsupported version, e.g. '10'.")
    to: Text = Field(description="What it upgrades to, e.g. 'Windows 11'.")
    purchased_from: Annotated[int, Field(ge=1990, le=2100)] = Field(
        description="Hardware bought in this year or later is taken to run the new version."
    )
    why: Text = Field(description="Why the purchase year stands for the hardware's ability.")


class SoftwareCategoryRequirement(RequirementBase):
    """At least one product of each category is in use."""

    kind: Literal["software-category"]
    category: SoftwareCategory
    per_seat: bool = Field(
        default=False,
        description="Licensed per computer: the shortfall is the number of computers.",
    )

    @property
    def family(self) -> Family:
        return Family.SOFTWARE

    def rule(self) -> str:
        return f"{self.category} in use" + (" on every computer" if self.per_seat else "")


class SoftwareSupportRequirement(RequirementBase):
    """Operating systems of these asset kinds (or software of these categories) are supported."""

    kind: Literal["software-support"]
    assets: tuple[AssetKind, ...] = Field(
        default=(), description="Check the OS of these asset kinds."
    )
    categories: tuple[SoftwareCategory, ...] = Field(
        default=(), description="Check the version of software in these categories."
    )
    per_seat: bool = Field(
        default=False,
        description="Count licences (or computers when not recorded) instead of products.",
    )
    free_upgrades: tuple[FreeUpgrade, ...] = Field(
        default=(), description="Versions that upgrade for free on capable hardware."
    )

    @model_validator(mode="after")
    def _something(self) -> SoftwareSupportRequirement:
        if not self.assets and not self.categories:
            raise ValueError("a software-support requirement needs 'assets' or 'categories'")
        return self

    @property
    def family(self) -> Family:
        return Family.SOFTWARE

    def rule(self) -> str:
        return "supported versions of " + "/".join([*self.assets, *self.categories])


def _software_support(ctx: Context, req: SoftwareSupportRequirement) -> list[Gap]:
    lookups: dict[tuple[str, str | None], tuple[bool, dt.date | None]] = {}
    software = ctx.blueprint.software

    def end_of_support(name: str, version: str | None) -> tuple[bool, dt.date | None]:
        # Thousands of assets share a handful of OS versions: look each up once.
        key = (name, version)
        if key not in lookups:
            lookups[key] = software.end_of_support(name, version)
        return lookups[key]

    units = 0
    records: list[Record] = []
    what: dict[str, dt.date] = {}
    cases: dict[Case, list[tuple[str | None, int, str]]] = defaultdict(list)
    for kind in req.assets:
        for asset in ctx.assets_by_kind.get(kind, ()):
            if asset.os is None:
                continue
            known, end = end_of_support(asset.os.name, asset.os.version)
            if known and end is not None and end <= ctx.today:
                units += asset.count
                records.append(asset)
                what[f"{asset.os.name} {asset.os.version}"] = end
                case, note = _os_case(software, req, asset)
                cases[case].append((asset.id, asset.count, note))
    for sw in ctx.inventory.software:
        if sw.category not in req.categories:
            continue
        known, end = end_of_support(sw.name, sw.version)
        if known and end is not None and end <= ctx.today:
            n = (sw.licences or ctx.seats or 1) if req.per_seat else 1
            units += n
            records.append(sw)
            what[f"{sw.name} {sw.version}"] = end
            product = software.product(sw.name)
            if product is not None and product.free:
                cases[Case.FREE_SOFTWARE].append((None, n, f"{sw.name} is free software"))
            else:
                cases[Case.LICENSED].append((None, n, f"{sw.name} needs a licence"))
    if not units:
        return []
    unit = "licence" if req.per_seat and not req.assets else ("device" if req.assets else "product")
    since = "; ".join(f"{name} since {end.isoformat()}" for name, end in sorted(what.items()))
    return [
        gap(
            ctx,
            req,
            kind=GapKind.UNSUPPORTED,
            expected="only versions that still receive security updates",
            actual=f"{units} {plural(units, unit)} past end of support",
            shortfall=units,
            unit=unit,
            reason=(
                f"{units} {plural(units, unit)} {runs(units)} software past its end of "
                f"support ({since})."
            ),
            records=records,
            cases=[
                GapCase(
                    case=case,
                    units=Decimal(sum(n for _, n, _ in found)),
                    assets=tuple(sorted((i, n) for i, n, _ in found if i)),
                    note="; ".join(sorted({note for _, _, note in found})),
                )
                for case, found in sorted(cases.items())
            ],
        )
    ]


def _os_case(
    software: SoftwareSupport, req: SoftwareSupportRequirement, asset: Asset
) -> tuple[Case, str]:
    """How an asset's unsupported operating system is fixed, and why."""
    assert asset.os is not None
    name = f"{asset.os.name} {asset.os.version}"
    product = software.product(asset.os.name)
    if product is not None and product.free:
        return Case.FREE_SOFTWARE, f"{asset.os.name} is free software: upgrade work, no licence"
    if product is not None and product.hypervisor:
        # A Windows Server licence and CALs would be the wrong purchase for a VMware host.
        return Case.HYPERVISOR, f"{name} is a virtualisation platform: a host subscription"
    version = software.version(asset.os.name, asset.os.version)
    for upgrade in req.free_upgrades:
        if product is None or product.id != upgrade.product or version != upgrade.version:
            continue
        if asset.purchased is not None and asset.purchased >= upgrade.purchased_from:
            return Case.FREE_UPGRADE, (
                f"{name} on hardware bought from {upgrade.purchased_from} upgrades to "
                f"{upgrade.to} for free"
            )
        when = f"bought {asset.purchased}" if asset.purchased else "purchase year not recorded"
        return Case.REPLACE_HARDWARE, (
            f"{name} on hardware {when}, taken as unable to run {upgrade.to}: replaced"
        )
    return Case.LICENSED, f"{name} needs a licence for a supported version"


def _software_category(ctx: Context, req: SoftwareCategoryRequirement) -> list[Gap]:
    if any(sw.category == req.category for sw in ctx.inventory.software):
        return []
    seats = max(ctx.seats, 1)
    shortfall, unit = (seats, "licence") if req.per_seat else (1, "product")
    extra = f" for {seats} {plural(seats, 'computer')}" if req.per_seat else ""
    return [
        gap(
            ctx,
            req,
            kind=GapKind.MISSING,
            expected=f"{req.category} software in use{extra}",
            actual="none recorded",
            shortfall=shortfall,
            unit=unit,
            reason=f"No {req.category} software is recorded; the blueprint asks for it{extra}.",
        )
    ]


KINDS = (
    Kind(SoftwareCategoryRequirement, _software_category),
    Kind(SoftwareSupportRequirement, _software_support),
)
