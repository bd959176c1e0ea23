"""Gap analysis: inventory x resolved blueprint -> what one LSG lacks, and why.

Pure and deterministic: no I/O, no printing, inputs never modified; the same
inventory, blueprint and day always give the same gaps in the same order. A gap's
reason reads 'Has 196 workstations; the blueprint asks for 240 (1 per employee).'

Equipment is judged in three steps so that nothing is counted twice: units that
are not there at all are `missing`; of the units needed, those past their
lifecycle are `obsolete`; of the rest, those below the minimum spec are
`insufficient`. The best units are counted first, so adding an asset never
makes the shortfall of a requirement grow.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from lsg_infra.model.blueprint import (
    AnyRequirement,
    CapacityRequirement,
    ConnectivityRequirement,
    ControlRequirement,
    EquipmentRequirement,
    EServiceRequirement,
    MinSpec,
    ResolvedBlueprint,
    SoftwareCategoryRequirement,
    SoftwareSupport,
    SoftwareSupportRequirement,
    WebsiteRequirement,
)
from lsg_infra.model.gap import Case, Family, Gap, GapCase, GapKind
from lsg_infra.model.inventory import Asset, AssetKind, Inventory, Record, SiteRole

SEAT_KINDS = (AssetKind.WORKSTATION, AssetKind.LAPTOP)


@dataclass(frozen=True, slots=True)
class FamilyScore:
    family: Family
    requirements: int
    met: int

    @property
    def score(self) -> float:
        """Share of requirements met, in percent (100 when the family has none)."""
        return round(100 * self.met / self.requirements, 1) if self.requirements else 100.0


@dataclass(frozen=True, slots=True)
class Compliance:
    """How far one LSG meets its blueprint, overall and per requirement family.

    `kpis_reportable` are the U4SSC KPIs whose every supporting requirement is met.
    """

    lsg: str
    tier: str
    country: str
    requirements: int
    met: int
    families: tuple[FamilyScore, ...]
    kpis_reportable: tuple[str, ...]
    kpis_blocked: tuple[str, ...]

    @property
    def score(self) -> float:
        return round(100 * self.met / self.requirements, 1) if self.requirements else 100.0


@dataclass(frozen=True, slots=True)
class Assessment:
    """The gaps and the compliance of one LSG."""

    lsg: str
    tier: str
    country: str
    gaps: tuple[Gap, ...]
    compliance: Compliance


@dataclass(frozen=True, slots=True)
class _Context:
    """What every requirement check reads, computed once per inventory."""

    inventory: Inventory
    blueprint: ResolvedBlueprint
    today: dt.date
    assets_by_kind: dict[AssetKind, tuple[Asset, ...]]
    seats: int

    @property
    def lsg(self) -> str:
        return self.inventory.id


def analyse(inventory: Inventory, blueprint: ResolvedBlueprint, today: dt.date) -> list[Gap]:
    """Every gap of `inventory` against `blueprint` on the day `today`, in a stable order."""
    by_kind: defaultdict[AssetKind, list[Asset]] = defaultdict(list)
    for asset in inventory.assets:
        by_kind[asset.kind].append(asset)
    ctx = _Context(
        inventory=inventory,
        blueprint=blueprint,
        today=today,
        assets_by_kind={kind: tuple(assets) for kind, assets in by_kind.items()},
        seats=sum(a.count for kind in SEAT_KINDS for a in by_kind.get(kind, ())),
    )
    gaps: list[Gap] = []
    for requirement in blueprint.requirements:
        gaps.extend(_check(ctx, requirement))
    gaps.sort(key=_order)
    return gaps


def _order(gap: Gap) -> tuple[object, ...]:
    return (*gap.sort_key, gap.kind.value, gap.unit, gap.assets)


def assess(inventory: Inventory, blueprint: ResolvedBlueprint, today: dt.date) -> Assessment:
    """Gaps and compliance together, for one LSG."""
    gaps = analyse(inventory, blueprint, today)
    return Assessment(
        lsg=inventory.id,
        tier=blueprint.tier,
        country=blueprint.country,
        gaps=tuple(gaps),
        compliance=compliance(inventory, blueprint, gaps),
    )


def compliance(
    inventory: Inventory, blueprint: ResolvedBlueprint, gaps: Sequence[Gap]
) -> Compliance:
    """Requirements met overall and per family, and the KPIs the LSG can report today."""
    unmet = {g.requirement for g in gaps if g.lsg == inventory.id}
    families = []
    for family in Family:
        ids = [r.id for r in blueprint.requirements if r.family is family]
        families.append(FamilyScore(family, len(ids), sum(1 for i in ids if i not in unmet)))
    kpi_requirements: defaultdict[str, list[str]] = defaultdict(list)
    for requirement in blueprint.requirements:
        for code in requirement.kpis:
            kpi_requirements[code].append(requirement.id)
    reportable = sorted(c for c, ids in kpi_requirements.items() if not unmet.intersection(ids))
    blocked = sorted(c for c, ids in kpi_requirements.items() if unmet.intersection(ids))
    total = len(blueprint.requirements)
    return Compliance(
        lsg=inventory.id,
        tier=blueprint.tier,
        country=blueprint.country,
        requirements=total,
        met=sum(1 for r in blueprint.requirements if r.id not in unmet),
        families=tuple(families),
        kpis_reportable=tuple(reportable),
        kpis_blocked=tuple(blocked),
    )


def _check(ctx: _Context, requirement: AnyRequirement) -> list[Gap]:
    if isinstance(requirement, EquipmentRequirement):
        return _equipment(ctx, requirement)
    if isinstance(requirement, ConnectivityRequirement):
        return _connectivity(ctx, requirement)
    if isinstance(requirement, SoftwareSupportRequirement):
        return _software_support(ctx, requirement)
    if isinstance(requirement, SoftwareCategoryRequirement):
        return _software_category(ctx, requirement)
    if isinstance(requirement, EServiceRequirement):
        return _eservice(ctx, requirement)
    if isinstance(requirement, ControlRequirement):
        return _control(ctx, requirement)
    if isinstance(requirement, WebsiteRequirement):
        return _website(ctx, requirement)
    return _capacity(ctx, requirement)


def _gap(
    ctx: _Context,
    requirement: AnyRequirement,
    *,
    kind: GapKind,
    expected: str,
    actual: str,
    shortfall: Decimal | int,
    unit: str,
    reason: str,
    site: str | None = None,
    records: Iterable[Record] = (),
    cases: Iterable[GapCase] = (),
    current_monthly_cost_eur: Decimal | None = None,
) -> Gap:
    records = list(records)
    found = [s for s in (r.source for r in records) if s is not None]
    # The earliest record, not the first in list order: gaps must not depend on record order.
    sources = [min((s.file, s.line) for s in found)] if found else _fallback_source(ctx)
    asset_ids = sorted({r.id for r in records if isinstance(r, Asset) and r.id})
    return Gap(
        lsg=ctx.lsg,
        requirement=requirement.id,
        title=requirement.title,
        family=requirement.family,
        kind=kind,
        severity=requirement.severity,
        priority=requirement.priority,
        expected=expected,
        actual=actual,
        shortfall=Decimal(shortfall),
        unit=unit,
        reason=reason,
        remedies=tuple(r.as_remedy() for r in requirement.remedy),
        references=(*requirement.kpis, *requirement.references),
        site=site,
        assets=tuple(asset_ids),
        source=_where(sources[0]) if sources else None,
        cases=tuple(cases),
        current_monthly_cost_eur=current_monthly_cost_eur,
    )


def _where(source: tuple[str, int]) -> str:
    file, line = source
    return f"{file}:{line}" if line else file


def _fallback_source(ctx: _Context) -> list[tuple[str, int]]:
    src = ctx.inventory.municipality.source
    return [(src.file, src.line)] if src is not None else []


def _plural(n: int | Decimal, unit: str) -> str:
    # Acronyms (UPS, NAS) and "staff" do not take an English plural ending.
    if n == 1 or unit.endswith("staff") or unit.isupper():
        return unit
    return f"{unit}es" if unit.endswith(("s", "sh", "ch", "x")) else f"{unit}s"


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def _runs(n: int) -> str:
    return "runs" if n == 1 else "run"


# --------------------------------------------------------------------- equipment


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


def _equipment(ctx: _Context, req: EquipmentRequirement) -> list[Gap]:
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
    expected = f"{required} {_plural(required, req.unit)}{why}"
    gaps: list[Gap] = []
    # Fill the required units with the best first: good, then below spec, then old.
    in_service = min(count, required)
    used_weak = min(sum(a.count for a in weak), in_service - min(good, in_service))
    used_old = in_service - min(good, in_service) - used_weak
    missing = required - count
    if missing > 0:
        which = f" with role {' or '.join(req.roles)}" if req.roles else ""
        have = (
            f"Has {count} {_plural(count, req.unit)}{which}"
            if count
            else f"No {req.unit}{which} is recorded"
        )
        gaps.append(
            _gap(
                ctx,
                req,
                kind=GapKind.MISSING,
                expected=expected,
                actual=f"{count} {_plural(count, req.unit)}",
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
            _gap(
                ctx,
                req,
                kind=GapKind.OBSOLETE,
                expected=f"{expected}, at most {req.max_age_years} years old",
                actual=f"{sum(a.count for a in old)} older than {req.max_age_years} years",
                shortfall=used_old,
                unit=req.unit,
                reason=(
                    f"{used_old} of {required} {_plural(required, req.unit)} "
                    f"{_are(used_old)} older than "
                    f"{req.max_age_years} years (bought {bought})."
                ),
                records=old,
            )
        )
    if used_weak > 0:
        short = sorted({s for a in weak for s in _below_spec(a, req.min_spec)})
        gaps.append(
            _gap(
                ctx,
                req,
                kind=GapKind.INSUFFICIENT,
                expected=f"{expected}, at least {', '.join(short)}",
                actual=f"{sum(a.count for a in weak)} below the minimum spec",
                shortfall=used_weak,
                unit=req.unit,
                reason=(
                    f"{used_weak} of {required} {_plural(required, req.unit)} "
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
        f"; {sum(a.count for a in others)} old {_plural(2, req.unit)} without role "
        f"{' or '.join(req.roles)} consolidated onto the new ones"
        if others
        else ""
    )
    return GapCase(
        case=Case.REPLACED,
        units=Decimal(units),
        assets=named,
        note=f"{replaced} {_plural(replaced, req.unit)} replaced{extra}.",
    )


# ------------------------------------------------------------------ connectivity


def _mbps(value: float) -> str:
    return f"{value:g}"


def _connectivity(ctx: _Context, req: ConnectivityRequirement) -> list[Gap]:
    inv = ctx.inventory
    gaps: list[Gap] = []
    wanted = f"{_mbps(req.min_down_mbps or 0)}/{_mbps(req.min_up_mbps or 0)} Mbit/s"
    for site in sorted(inv.sites, key=lambda s: s.id):
        if not any(role in req.sites for role in site.roles):
            continue
        if any(role in req.exclude for role in site.roles):
            continue
        links = [li for li in inv.links if li.site == site.id]
        records: list[Record] = [*links] if links else [site]
        if not links:
            gaps.append(
                _gap(
                    ctx,
                    req,
                    kind=GapKind.MISSING,
                    expected=f"{req.min_links} link(s)"
                    + (f" of at least {wanted}" if req.min_down_mbps or req.min_up_mbps else ""),
                    actual="no link",
                    shortfall=req.min_links,
                    unit="link",
                    reason=f"Site '{site.id}' has no internet link recorded.",
                    site=site.id,
                    records=records,
                )
            )
            continue
        if len(links) < req.min_links:
            gaps.append(
                _gap(
                    ctx,
                    req,
                    kind=GapKind.INSUFFICIENT,
                    expected=f"{req.min_links} links (redundancy)",
                    actual=f"{len(links)} {_plural(len(links), 'link')}",
                    shortfall=req.min_links - len(links),
                    unit="link",
                    reason=(
                        f"Site '{site.id}' has {len(links)} internet "
                        f"{_plural(len(links), 'link')}; {req.min_links} are needed so that "
                        "one cut does not stop the service."
                    ),
                    site=site.id,
                    records=records,
                )
            )
        down = max(li.down_mbps for li in links)
        up = max(li.up_mbps for li in links)
        # A faster contract replaces the fastest link: what it costs today, if recorded.
        fastest = max(links, key=lambda li: (li.down_mbps, li.up_mbps))
        paid = (
            Decimal(str(fastest.monthly_cost_eur)) if fastest.monthly_cost_eur is not None else None
        )
        short_down = (req.min_down_mbps or 0) - down
        short_up = (req.min_up_mbps or 0) - up
        if short_down > 0 or short_up > 0:
            shortfall, unit = (
                (short_down, "Mbit/s down") if short_down > 0 else (short_up, "Mbit/s up")
            )
            gaps.append(
                _gap(
                    ctx,
                    req,
                    kind=GapKind.INSUFFICIENT,
                    expected=f"at least {wanted}",
                    actual=f"{_mbps(down)}/{_mbps(up)} Mbit/s",
                    shortfall=Decimal(str(round(shortfall, 3))),
                    unit=unit,
                    reason=(
                        f"Site '{site.id}' has {_mbps(down)}/{_mbps(up)} Mbit/s; "
                        f"the blueprint asks for at least {wanted}."
                    ),
                    site=site.id,
                    records=records,
                    current_monthly_cost_eur=paid,
                )
            )
    return gaps


# ---------------------------------------------------------------------- software


def _software_support(ctx: _Context, req: SoftwareSupportRequirement) -> list[Gap]:
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
        _gap(
            ctx,
            req,
            kind=GapKind.UNSUPPORTED,
            expected="only versions that still receive security updates",
            actual=f"{units} {_plural(units, unit)} past end of support",
            shortfall=units,
            unit=unit,
            reason=(
                f"{units} {_plural(units, unit)} {_runs(units)} software past its end of "
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


def _software_category(ctx: _Context, req: SoftwareCategoryRequirement) -> list[Gap]:
    if any(sw.category == req.category for sw in ctx.inventory.software):
        return []
    seats = max(ctx.seats, 1)
    shortfall, unit = (seats, "licence") if req.per_seat else (1, "product")
    extra = f" for {seats} {_plural(seats, 'computer')}" if req.per_seat else ""
    return [
        _gap(
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


# ------------------------------------------------------------ services, controls


def _eservice(ctx: _Context, req: EServiceRequirement) -> list[Gap]:
    if req.service in ctx.inventory.services:
        return []
    name = ctx.blueprint.eservice_names.get(req.service, req.service)
    return [
        _gap(
            ctx,
            req,
            kind=GapKind.ABSENT_SERVICE,
            expected=f"{req.service} in use",
            actual="not in use",
            shortfall=1,
            unit="service",
            reason=f"The LSG does not use {name} ({req.service}).",
        )
    ]


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _control(ctx: _Context, req: ControlRequirement) -> list[Gap]:
    control = ctx.inventory.controls.get(req.control)
    name = ctx.blueprint.control_names.get(req.control, req.control)
    # `offsite-backup: true` is the other way inventories say `backup: {offsite: true}`.
    twin = ctx.inventory.controls.get(f"offsite-{req.control}")
    offsite = (control is not None and control.offsite) or (twin is not None and twin.in_place)
    oldest = _months_before(ctx.today, req.review_months) if req.review_months else None
    current = oldest is None or (
        control is not None and control.tested is not None and control.tested >= oldest
    )
    if control is not None and control.in_place and (not req.offsite or offsite) and current:
        return []
    expected = f"{req.control} in place" + (" with an off-site copy" if req.offsite else "")
    if req.review_months:
        expected += f", reviewed within {req.review_months} months"
    if control is None:
        actual, reason = "not recorded", f"{name} ({req.control}) is not recorded as in place."
    elif not control.in_place:
        actual, reason = "not in place", f"{name} ({req.control}) is not in place."
    elif req.offsite and not offsite:
        actual = "in place, no off-site copy"
        reason = f"{name} ({req.control}) is in place but keeps no copy off site."
    elif control.tested is None:
        actual = "in place, no review date"
        reason = (
            f"{name} ({req.control}) is in place but no review date is recorded "
            f"(controls.{req.control}.tested); it must be reviewed every "
            f"{req.review_months} months."
        )
    else:
        actual = f"last reviewed {control.tested.isoformat()}"
        reason = (
            f"{name} ({req.control}) was last reviewed on {control.tested.isoformat()}, "
            f"more than {req.review_months} months ago."
        )
    return [
        _gap(
            ctx,
            req,
            kind=GapKind.ABSENT_CONTROL,
            expected=expected,
            actual=actual,
            shortfall=1,
            unit="control",
            reason=reason,
            records=[control] if control is not None else [],
        )
    ]


def _website(ctx: _Context, req: WebsiteRequirement) -> list[Gap]:
    site = ctx.inventory.website
    lacks: list[str] = []
    expected: list[str] = []

    def dated(label: str, day: dt.date | None, months: int | None, field: str) -> None:
        if not months:
            return
        expected.append(f"{label} within {months} months")
        if day is None:
            lacks.append(f"no {label} is recorded (website.{field})")
        elif day < _months_before(ctx.today, months):
            lacks.append(
                f"the last {label} was on {day.isoformat()}, more than {months} months ago"
            )

    dated(
        "self-assessment",
        site.self_assessment if site else None,
        req.self_assessment_months,
        "self_assessment",
    )
    dated(
        "accessibility audit",
        site.accessibility_audit if site else None,
        req.accessibility_audit_months,
        "accessibility_audit",
    )
    if req.accessibility_statement:
        expected.append("an accessibility statement")
        if site is None or not site.accessibility_statement:
            lacks.append("no accessibility statement is published")
    if req.publications:
        expected.append("publishes " + ", ".join(req.publications))
        have = set(site.publications) if site is not None else set()
        missing = [p for p in req.publications if p not in have]
        if missing:
            lacks.append("the site does not publish " + ", ".join(missing))
    if not lacks:
        return []
    return [
        _gap(
            ctx,
            req,
            kind=GapKind.ABSENT_CONTROL,
            expected="; ".join(expected),
            actual="; ".join(lacks),
            shortfall=1,
            unit="website",
            reason=f"{req.title}: " + "; ".join(lacks) + ".",
            records=[site] if site is not None else [],
        )
    ]


def _capacity(ctx: _Context, req: CapacityRequirement) -> list[Gap]:
    m = ctx.inventory.municipality
    if req.metric == "trained-share":
        assert req.min_share is not None  # checked by the model
        needed = math.ceil(req.min_share * m.employees)
        short = needed - m.trained_staff
        if short <= 0:
            return []
        share = f"{req.min_share * 100:.0f}%"
        return [
            _gap(
                ctx,
                req,
                kind=GapKind.CAPACITY,
                expected=f"{needed} of {m.employees} employees trained ({share})",
                actual=f"{m.trained_staff} trained",
                shortfall=short,
                unit="employee",
                reason=(
                    f"{m.trained_staff} of {m.employees} employees are trained in digital "
                    f"skills; the target is {share} ({needed})."
                ),
                records=[m],
            )
        ]
    assert req.employees_per_it_staff is not None  # checked by the model
    needed = max(req.min_it_staff, math.ceil(m.employees / req.employees_per_it_staff))
    short = needed - m.it_staff
    if short <= 0:
        return []
    return [
        _gap(
            ctx,
            req,
            kind=GapKind.CAPACITY,
            expected=f"{needed} IT staff (1 per {req.employees_per_it_staff} employees)",
            actual=f"{m.it_staff} IT staff",
            shortfall=short,
            unit="IT staff",
            reason=(
                f"{m.it_staff} IT staff for {m.employees} employees; the norm is one per "
                f"{req.employees_per_it_staff}, so {needed}."
            ),
            records=[m],
        )
    ]
