"""Equipment: enough units of some asset kinds, young enough and above a minimum spec.

Judged in three steps so that nothing is counted twice: units that are not there at all
are `missing`; of the units needed, those past their lifecycle are `obsolete`; of the
rest, those below the minimum spec are `insufficient`. The best units are counted first,
so adding an asset never makes the shortfall of a requirement grow.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from lsg_infra.gaps.common import Context, Kind, are, gap, plural
from lsg_infra.model.gap import Case, Family, Gap, GapCase, GapKind
from lsg_infra.model.inventory import Asset, AssetKind, ServerRole, SiteRole
from lsg_infra.model.requirement import RequirementBase, Strict, Text

Count = Annotated[Decimal, Field(ge=0, le=10_000)]


class QuantityRule(Strict):
    """How many items an LSG needs, from its size: the terms are added, then rounded up.

    >>> rule = QuantityRule(per_employee=Decimal("0.5"), per_site=Decimal(1), fixed=Decimal(2))
    >>> rule.required(employees=9, sites=2, service_centres=0, server_rooms=1)
    9
    >>> rule.describe()
    '0.5 per employee + 1 per site + 2'
    """

    per_employee: Count = Decimal(0)
    per_site: Count = Decimal(0)
    per_service_centre: Count = Decimal(0)
    per_server_room: Count = Decimal(0)
    fixed: Count = Decimal(0)

    @model_validator(mode="after")
    def _not_empty(self) -> QuantityRule:
        if (
            not any(
                (self.per_employee, self.per_site, self.per_service_centre, self.per_server_room)
            )
            and not self.fixed
        ):
            raise ValueError(
                "a quantity rule needs at least one of per_employee, per_site, "
                "per_service_centre, per_server_room or fixed above 0"
            )
        return self

    def required(
        self, *, employees: int, sites: int, service_centres: int, server_rooms: int
    ) -> int:
        total = (
            self.per_employee * employees
            + self.per_site * sites
            + self.per_service_centre * service_centres
            + self.per_server_room * server_rooms
            + self.fixed
        )
        return math.ceil(total)

    def describe(self) -> str:
        """'1 per employee + 1 per site', for the `expected` text of a gap."""
        parts = [
            f"{_num(value)} {label}"
            for value, label in (
                (self.per_employee, "per employee"),
                (self.per_site, "per site"),
                (self.per_service_centre, "per service centre"),
                (self.per_server_room, "per server room"),
            )
            if value
        ]
        if self.fixed:
            parts.append(_num(self.fixed))
        return " + ".join(parts)


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


class MinSpec(Strict):
    """Minimum specification of one unit; units below it are `insufficient`."""

    cpu_cores: Annotated[int, Field(ge=1, le=1024)] | None = None
    ram_gb: Annotated[float, Field(gt=0, le=65_536)] | None = None
    storage_tb: Annotated[float, Field(gt=0, le=100_000)] | None = None
    ports: Annotated[int, Field(ge=1, le=1024)] | None = None
    capacity_va: Annotated[int, Field(ge=100, le=1_000_000)] | None = None


class EquipmentRequirement(RequirementBase):
    """Enough units of some asset kinds, young enough and above a minimum spec."""

    kind: Literal["equipment"]
    assets: tuple[AssetKind, ...] = Field(min_length=1, description="Asset kinds that count.")
    roles: tuple[ServerRole, ...] = Field(
        default=(), description="For servers: only those with one of these roles count."
    )
    unit: Text = "unit"
    quantity: QuantityRule
    max_age_years: Annotated[int, Field(ge=1, le=30)] | None = None
    min_spec: MinSpec | None = None

    @property
    def family(self) -> Family:
        return Family.EQUIPMENT

    def rule(self) -> str:
        parts = [f"{'/'.join(self.assets)}: {self.quantity.describe()}"]
        if self.roles:
            parts.append(f"role {'/'.join(self.roles)}")
        if self.max_age_years:
            parts.append(f"max {self.max_age_years} years old")
        if self.min_spec:
            spec = self.min_spec.model_dump(exclude_none=True)
            parts.append("min " + ", ".join(f"{k}={v}" for k, v in spec.items()))
        return "; ".join(parts)


def _matches(asset: Asset, requirement: EquipmentRequirement) -> bool:
    return not requirement.roles or any(role in requirement.roles for role in asset.roles)


def _below_spec(asset: Asset, spec: MinSpec | None) -> list[str]:
    """The spec items this asset is known to miss, e.g. ['8 GB RAM']; unknown values pass."""
    if spec is None:
        return []
    short = []
    for name, label in (
        ("cpu_cores", "CPU cores"),
        ("ram_gb", "GB RAM"),
        ("storage_tb", "TB storage"),
        ("ports", "ports"),
        ("capacity_va", "VA"),
    ):
        wanted = getattr(spec, name)
        have = getattr(asset, name)
        if wanted is not None and have is not None and have < wanted:
            short.append(f"{wanted:g} {label}")
    return short


def _equipment(ctx: Context, req: EquipmentRequirement) -> list[Gap]:
    inv = ctx.inventory
    required = req.quantity.required(
        employees=inv.municipality.employees,
        sites=len(inv.sites),
        service_centres=sum(1 for s in inv.sites if SiteRole.SERVICE_CENTRE in s.roles),
        server_rooms=sum(1 for s in inv.sites if s.server_room),
    )
    if required <= 0:
        return []
    assets = [
        a for kind in req.assets for a in ctx.assets_by_kind.get(kind, ()) if _matches(a, req)
    ]
    year = ctx.today.year
    old: list[Asset] = []
    weak: list[Asset] = []
    good = 0
    for asset in assets:
        age = asset.age(year)
        if req.max_age_years is not None and age is not None and age > req.max_age_years:
            old.append(asset)
        elif _below_spec(asset, req.min_spec):
            weak.append(asset)
        else:
            good += asset.count
    count = good + sum(a.count for a in old) + sum(a.count for a in weak)
    # Servers without the role the requirement counts (a file server when the tier asks
    # for virtualisation hosts) are consolidated onto the new hosts when they are old.
    others = [
        a
        for kind in req.assets
        for a in ctx.assets_by_kind.get(kind, ())
        if req.roles
        and not _matches(a, req)
        and req.max_age_years is not None
        and (age := a.age(year)) is not None
        and age > req.max_age_years
    ]
    rule = req.quantity.describe()
    why = f" ({rule})" if rule != str(required) else ""
    expected = f"{required} {plural(required, req.unit)}{why}"
    gaps: list[Gap] = []
    # Fill the required units with the best first: good, then below spec, then old.
    in_service = min(count, required)
    used_weak = min(sum(a.count for a in weak), in_service - min(good, in_service))
    used_old = in_service - min(good, in_service) - used_weak
    missing = required - count
    if missing > 0:
        which = f" with role {' or '.join(req.roles)}" if req.roles else ""
        have = (
            f"Has {count} {plural(count, req.unit)}{which}"
            if count
            else f"No {req.unit}{which} is recorded"
        )
        gaps.append(
            gap(
                ctx,
                req,
                kind=GapKind.MISSING,
                expected=expected,
                actual=f"{count} {plural(count, req.unit)}",
                shortfall=missing,
                unit=req.unit,
                reason=f"{have}; the blueprint asks for {required}{why}.",
                records=assets,
            )
        )
    if used_old > 0:
        years = sorted(a.purchased for a in old if a.purchased is not None)
        bought = f"{years[0]}" if years[0] == years[-1] else f"{years[0]}-{years[-1]}"
        gaps.append(
            gap(
                ctx,
                req,
                kind=GapKind.OBSOLETE,
                expected=f"{expected}, at most {req.max_age_years} years old",
                actual=f"{sum(a.count for a in old)} older than {req.max_age_years} years",
                shortfall=used_old,
                unit=req.unit,
                reason=(
                    f"{used_old} of {required} {plural(required, req.unit)} "
                    f"{are(used_old)} older than "
                    f"{req.max_age_years} years (bought {bought})."
                ),
                records=old,
            )
        )
    if used_weak > 0:
        short = sorted({s for a in weak for s in _below_spec(a, req.min_spec)})
        gaps.append(
            gap(
                ctx,
                req,
                kind=GapKind.INSUFFICIENT,
                expected=f"{expected}, at least {', '.join(short)}",
                actual=f"{sum(a.count for a in weak)} below the minimum spec",
                shortfall=used_weak,
                unit=req.unit,
                reason=(
                    f"{used_weak} of {required} {plural(required, req.unit)} "
                    f"{'has' if used_weak == 1 else 'have'} less than "
                    f"the minimum of {', '.join(short)}."
                ),
                records=weak,
            )
        )
    replaced = _replaced_case(req, used_old + used_weak, [*old, *weak], others)
    if gaps and replaced is not None:
        # One gap carries the migration and retirement of the whole requirement.
        gaps[0] = gaps[0].model_copy(update={"cases": (*gaps[0].cases, replaced)})
    return gaps


def _replaced_case(
    req: EquipmentRequirement, replaced: int, assets: Sequence[Asset], others: Sequence[Asset]
) -> GapCase | None:
    """The units being replaced (old, below spec) and other old servers consolidated."""
    units = replaced + sum(a.count for a in others)
    if units <= 0:
        return None
    named = tuple(sorted((a.id, a.count) for a in (*assets, *others) if a.id))
    extra = (
        f"; {sum(a.count for a in others)} old {plural(2, req.unit)} without role "
        f"{' or '.join(req.roles)} consolidated onto the new ones"
        if others
        else ""
    )
    return GapCase(
        case=Case.REPLACED,
        units=Decimal(units),
        assets=named,
        note=f"{replaced} {plural(replaced, req.unit)} replaced{extra}.",
    )


KINDS = (Kind(EquipmentRequirement, _equipment),)
