"""Costing: gaps x price catalogue -> a costed, prioritised, phased investment plan.

Pure: no I/O, no printing, no clock (the reference date comes in as an argument).
The same inputs always give the same plan, line for line.

Rules a planner can check by hand:
- quantity = shortfall x remedy.per_unit + remedy.fixed, rounded up to whole units: it
  counts what is bought (devices, licences, subscriptions, expert days), never months;
- a device that is replaced as obsolete is not also upgraded for unsupported software;
- net = quantity x unit price x periods, rounded half-up to cents, where periods is the
  number of billing periods in a year (12 for monthly items, 1 for yearly and one-off
  ones): recurring items are costed per year, and the x12 happens here, once;
- VAT = net x the rate of the item's tax class in the LSG's country, rounded;
  gross = net + VAT;
- total cost of ownership over N years = one-off gross x purchases within N years
  (an item is bought again when its lifetime ends inside the horizon)
  + yearly gross x N;
- local currency = EUR x the country's rate, rounded to cents;
- with a budget, gaps are funded whole, most urgent first (severity, then unsupported
  software and absent controls, then priority), each in the earliest year whose
  remaining budget covers its one-off cost and first year of recurring cost, with the
  recurring cost also reserved in every later year of the plan.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from lsg_infra.errors import CostingError
from lsg_infra.model.catalogue import Billing, Catalogue
from lsg_infra.model.gap import SEVERITY_RANK, Case, Gap, GapKind
from lsg_infra.model.plan import (
    CountryRates,
    Lot,
    Plan,
    ProcurementLine,
    Rollup,
    Totals,
    YearBudget,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

# Within one severity, these kinds go first: unsupported software is an open door,
# an absent security control is a legal obligation.
KIND_URGENCY: dict[GapKind, int] = {GapKind.UNSUPPORTED: 0, GapKind.ABSENT_CONTROL: 0}


@dataclass(frozen=True, slots=True)
class LsgInfo:
    """What costing needs to know about an LSG besides its gaps.

    `employees` sizes per-employee remedies (user CALs) and picks remedies by size
    (office plans above 300 users); with `population` and `annual_it_budget_eur` it
    gives the plan's per-inhabitant, per-employee and budget-share figures.
    """

    id: str
    name: str
    country: str
    district: str | None = None
    population: int | None = None
    employees: int | None = None
    annual_it_budget_eur: Decimal | None = None


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _pct(value: Decimal) -> str:
    """'5', '18', '20.5': a rate as a planner writes it."""
    return format(value.normalize(), "f")


def whole_units(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_CEILING)


def urgency(gap: Gap) -> tuple[int, int, int, str, str, str]:
    """Sort key: most urgent first, then a stable order by LSG, requirement and site."""
    return (
        SEVERITY_RANK[gap.severity],
        KIND_URGENCY.get(gap.kind, 1),
        gap.priority,
        gap.lsg,
        gap.requirement,
        gap.site or "",
    )


# Which units of an unsupported gap a replacement covers first: the costliest remedy.
_COVER_ORDER = (Case.REPLACE_HARDWARE, Case.LICENSED, Case.FREE_UPGRADE, Case.FREE_SOFTWARE)


def without_replaced(
    gaps: Sequence[Gap], catalogue: Catalogue
) -> dict[tuple[str, str, str | None], Gap]:
    """Unsupported-software gaps less the devices that other gaps already replace.

    A ten-year-old PC running Windows 7 is both obsolete (buy a new PC) and
    unsupported (upgrade its OS); buying both would count it twice. The new PC
    comes with a supported OS (`includes_os` in the catalogue), so the upgrade is
    costed only for devices that stay. A new server comes without one: the
    workload of a retired Windows server still needs a supported licence and CALs.
    Keyed by (LSG, requirement, site) of the unsupported gap; only changed gaps.
    """

    def with_os(gap: Gap) -> bool:
        return any(r.item in catalogue and catalogue.item(r.item).includes_os for r in gap.remedies)

    replacing: dict[str, list[tuple[set[str], Decimal]]] = defaultdict(list)
    for gap in gaps:
        if gap.kind is GapKind.OBSOLETE and gap.assets and with_os(gap):
            replacing[gap.lsg].append((set(gap.assets), gap.shortfall))
    out: dict[tuple[str, str, str | None], Gap] = {}
    for gap in gaps:
        if gap.kind is not GapKind.UNSUPPORTED or not gap.assets:
            continue
        mine = set(gap.assets)
        replaced_ids = set().union(*(ids for ids, _ in replacing.get(gap.lsg, ()) if mine & ids))
        cap = sum((n for ids, n in replacing.get(gap.lsg, ()) if mine & ids), ZERO)
        covered = min(cap, gap.shortfall)
        if not covered:
            continue
        left = covered
        cases = {c.case: c for c in gap.cases}
        for kind in _COVER_ORDER:
            found = cases.get(kind)
            if found is None or not left:
                continue
            here = min(left, sum((Decimal(n) for a, n in found.assets if a in replaced_ids), ZERO))
            if here:
                cases[kind] = found.model_copy(update={"units": found.units - here})
                left -= here
        out[(gap.lsg, gap.requirement, gap.site)] = gap.model_copy(
            update={
                "shortfall": max(ZERO, gap.shortfall - covered),
                "cases": tuple(cases[c.case] for c in gap.cases),
            }
        )
    return out


def cost_gap(
    gap: Gap,
    lsg: LsgInfo,
    catalogue: Catalogue,
    rates: CountryRates,
    horizon_years: int,
    bought: dict[tuple[str, str], Decimal] | None = None,
) -> list[ProcurementLine]:
    """The procurement lines that close one gap (line numbers are set later).

    `bought` holds what earlier gaps of the plan already buy of items bought once
    per LSG (user CALs); it is updated.
    """
    lines = []
    bought = {} if bought is None else bought
    for remedy in gap.remedies:
        if remedy.item not in catalogue:
            raise CostingError(
                f"requirement '{gap.requirement}' names catalogue item '{remedy.item}', "
                "which the catalogue does not have"
            )
        if not remedy.fits(gap.kind, lsg.employees):
            continue
        base = gap.shortfall if remedy.when is None else gap.case_units(remedy.when)
        if remedy.when is not None and base <= 0:
            continue
        item = catalogue.item(remedy.item)
        quantity = whole_units(remedy.quantity(base, lsg.employees or 0))
        if item.once_per_lsg:
            key = (lsg.id, item.id)
            already = bought.get(key, Decimal(0))
            bought[key] = max(already, quantity)
            quantity = max(Decimal(0), quantity - already)
        if quantity <= 0:
            continue
        periods = item.billing.periods_per_year
        unit_price = item.unit_price_eur
        price_how = ""
        paid = gap.current_monthly_cost_eur
        if remedy.less_current_cost and paid is not None and item.billing is Billing.MONTHLY:
            # The new contract replaces the current one: count only what it adds.
            unit_price = max(ZERO, money(item.unit_price_eur - paid))
            price_how = (
                f" (catalogue {item.unit_price_eur:,.2f} less {paid:,.2f} paid a month "
                "today for the link it replaces)"
            )
        net = money(quantity * unit_price * periods)
        vat_rate = rates.vat_for(item.tax_class)
        vat_pct = vat_rate.pct
        vat = money(net * vat_pct / HUNDRED)
        gross = net + vat
        if item.billing is Billing.ONE_OFF:
            purchases = math.ceil(horizon_years / item.lifetime_years)
            capex, opex = gross, ZERO
            tco = gross * purchases
            tco_how = (
                f"TCO over {horizon_years} years: {purchases} purchase"
                f"{'s' if purchases != 1 else ''} (lifetime {item.lifetime_years} years)"
                f" x {gross:,.2f} = {tco:,.2f}"
            )
        else:
            capex, opex = ZERO, gross
            tco = gross * horizon_years
            tco_how = f"TCO: {horizon_years} years x {gross:,.2f} = {tco:,.2f}"
        times = f" x {periods} months" if periods != 1 else ""
        a_year = " a year" if item.billing is not Billing.ONE_OFF else ""
        computation = (
            f"{_pct(quantity)} {item.unit} x {unit_price:,.2f} EUR{item.billing.per}{price_how}"
            f"{times} = {net:,.2f} EUR net{a_year}; VAT {_pct(vat_pct)} % = {vat:,.2f}; "
            f"gross {gross:,.2f}{a_year}; {tco_how}"
        )
        lines.append(
            ProcurementLine(
                line=0,
                lsg=lsg.id,
                lsg_name=lsg.name,
                country=lsg.country,
                district=lsg.district,
                requirement=gap.requirement,
                requirement_title=gap.title or gap.requirement,
                references=list(gap.references),
                family=gap.family,
                gap_kind=gap.kind,
                severity=gap.severity,
                priority=gap.priority,
                reason=gap.reason,
                site=gap.site,
                item=item.id,
                description=item.description,
                description_local=item.description_local,
                category=item.category,
                tax_class=item.tax_class,
                cpv=item.cpv,
                unit=item.unit,
                billing=item.billing,
                quantity=quantity,
                unit_price_eur=unit_price,
                price_year=item.price_year,
                periods=periods,
                net_eur=net,
                vat_pct=vat_pct,
                vat_reason=f"{_pct(vat_pct)} % for {item.tax_class.value}: {vat_rate.source}",
                vat_eur=vat,
                gross_eur=gross,
                capex_gross_eur=capex,
                opex_gross_eur_per_year=opex,
                tco_gross_eur=tco,
                currency=rates.currency,
                gross_local=money(gross * rates.rate_per_eur),
                tco_gross_local=money(tco * rates.rate_per_eur),
                computation=computation,
            )
        )
    return lines


def _fund(
    packages: list[list[ProcurementLine]],
    years: Sequence[int],
    budget: Decimal | None,
) -> tuple[list[list[ProcurementLine]], dict[int, Decimal]]:
    """Assign each package (the lines of one gap) to a year, or mark it unfunded."""
    spent = dict.fromkeys(years, ZERO)
    if budget is None:
        first = years[0]
        for package in packages:
            spent[first] += sum(
                (ln.capex_gross_eur + ln.opex_gross_eur_per_year for ln in package), ZERO
            )
            for later in years[1:]:
                spent[later] += sum((ln.opex_gross_eur_per_year for ln in package), ZERO)
        return [[ln.model_copy(update={"year": first}) for ln in p] for p in packages], spent
    per_year = money(budget / len(years))
    out = []
    for package in packages:
        capex = sum((ln.capex_gross_eur for ln in package), ZERO)
        opex = sum((ln.opex_gross_eur_per_year for ln in package), ZERO)
        chosen = None
        for i, year in enumerate(years):
            fits_now = spent[year] + capex + opex <= per_year
            fits_later = all(spent[y] + opex <= per_year for y in years[i + 1 :])
            if fits_now and fits_later:
                chosen = i
                break
        if chosen is None:
            if capex + opex > per_year:
                why = (
                    f"costs {capex + opex:,.2f} EUR in its first year, more than a year's "
                    f"budget of {per_year:,.2f} EUR"
                )
            else:
                why = "the budget of every year is already taken by more urgent gaps"
            out.append(
                [ln.model_copy(update={"funded": False, "unfunded_reason": why}) for ln in package]
            )
            continue
        year = years[chosen]
        spent[year] += capex + opex
        for later in years[chosen + 1 :]:
            spent[later] += opex
        out.append([ln.model_copy(update={"year": year}) for ln in package])
    return out, spent


def totals(lines: Iterable[ProcurementLine]) -> Totals:
    capex_net = capex_gross = opex_net = opex_gross = tco = funded = unfunded = ZERO
    n = 0
    for ln in lines:
        n += 1
        if ln.billing is Billing.ONE_OFF:
            capex_net += ln.net_eur
            capex_gross += ln.gross_eur
        else:
            opex_net += ln.net_eur
            opex_gross += ln.gross_eur
        tco += ln.tco_gross_eur
        if ln.funded:
            funded += ln.gross_eur
        else:
            unfunded += ln.gross_eur
    return Totals(
        lines=n,
        capex_net_eur=capex_net,
        capex_gross_eur=capex_gross,
        opex_net_eur_per_year=opex_net,
        opex_gross_eur_per_year=opex_gross,
        tco_gross_eur=tco,
        funded_gross_eur=funded,
        unfunded_gross_eur=unfunded,
    )


def build_plan(
    gaps: Sequence[Gap],
    lsgs: Mapping[str, LsgInfo],
    catalogue: Catalogue,
    rates: Mapping[str, CountryRates],
    *,
    today: dt.date,
    years: Sequence[int],
    horizon_years: int = 5,
    budget_gross_eur: Decimal | None = None,
    cpv_names: Mapping[str, str] | None = None,
    compliance_pct: Mapping[str, Decimal] | None = None,
) -> Plan:
    """The whole plan for the given gaps: procurement lines, tender lots, roll-ups per
    LSG, district, country and programme, and the budget by year
    (tests/unit/test_plan_by_hand.py works the lines out by hand).
    """
    if not years:
        raise CostingError("a plan needs at least one budget year")
    if budget_gross_eur is not None and budget_gross_eur < 0:
        raise CostingError("the budget cannot be negative")
    packages = []
    replaced = without_replaced(gaps, catalogue)
    bought: dict[tuple[str, str], Decimal] = {}
    for gap in sorted(gaps, key=urgency):
        lsg = lsgs.get(gap.lsg)
        if lsg is None:
            raise CostingError(f"gap for unknown LSG '{gap.lsg}'")
        country = rates.get(lsg.country)
        if country is None:
            raise CostingError(f"no VAT and exchange rate for country '{lsg.country}'")
        # Devices replaced by new ones (that come with supported software) are not upgraded.
        gap = replaced.get((gap.lsg, gap.requirement, gap.site), gap)
        package = cost_gap(gap, lsg, catalogue, country, horizon_years, bought)
        if package:
            packages.append(package)
    funded, spent = _fund(packages, list(years), budget_gross_eur)
    lines = [
        ln.model_copy(update={"line": i})
        for i, ln in enumerate((ln for package in funded for ln in package), start=1)
    ]
    per_year = money(budget_gross_eur / len(years)) if budget_gross_eur is not None else None
    return Plan(
        generated_for=today,
        horizon_years=horizon_years,
        years=list(years),
        budget_gross_eur=budget_gross_eur,
        catalogue_disclaimer=catalogue.disclaimer,
        rates=dict(sorted(rates.items())),
        gaps=sorted(gaps, key=urgency),
        lines=lines,
        rollups=rollups(lines, lsgs, rates, gaps, compliance_pct or {}, horizon_years),
        lots=lots(lines, cpv_names or {}),
        budget_by_year=[
            YearBudget(year=y, budget_gross_eur=per_year, spent_gross_eur=spent[y]) for y in years
        ],
    )


def _per_head(totals_: Totals, members: Sequence[LsgInfo], horizon_years: int) -> dict[str, object]:
    """Per-inhabitant, per-employee and IT-budget figures of a roll-up, where known."""
    out: dict[str, object] = {}
    population = [m.population for m in members]
    employees = [m.employees for m in members]
    budgets = [m.annual_it_budget_eur for m in members]
    tco = totals_.tco_gross_eur
    if members and all(p is not None for p in population):
        total = sum(p for p in population if p is not None)
        out["population"] = total
        out["tco_per_inhabitant_eur"] = money(tco / total) if total else None
    if members and all(e is not None for e in employees):
        total = sum(e for e in employees if e is not None)
        out["employees"] = total
        out["tco_per_employee_eur"] = money(tco / total) if total else None
    if members and all(b is not None for b in budgets):
        budget = sum((b for b in budgets if b is not None), ZERO)
        out["annual_it_budget_eur"] = money(budget)
        if budget:
            share = tco / horizon_years / budget * HUNDRED
            out["it_budget_share_pct"] = share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return out


def rollups(
    lines: Sequence[ProcurementLine],
    lsgs: Mapping[str, LsgInfo],
    rates: Mapping[str, CountryRates],
    gaps: Sequence[Gap],
    compliance_pct: Mapping[str, Decimal],
    horizon_years: int = 5,
) -> list[Rollup]:
    """Totals by LSG (every LSG, even one without gaps), district, country and programme."""
    by_lsg: dict[str, list[ProcurementLine]] = defaultdict(list)
    for ln in lines:
        by_lsg[ln.lsg].append(ln)
    gap_count: dict[str, int] = defaultdict(int)
    for gap in gaps:
        gap_count[gap.lsg] += 1
    out = []

    def local(total: Totals, country: str) -> Decimal:
        return money(total.tco_gross_eur * rates[country].rate_per_eur)

    for lsg_id in sorted(lsgs):
        info = lsgs[lsg_id]
        t = totals(by_lsg.get(lsg_id, []))
        out.append(
            Rollup(
                level="lsg",
                key=lsg_id,
                name=info.name,
                country=info.country,
                currency=rates[info.country].currency if info.country in rates else None,
                totals=t,
                tco_gross_local=local(t, info.country) if info.country in rates else None,
                gaps=gap_count[lsg_id],
                compliance_pct=compliance_pct.get(lsg_id),
                **_per_head(t, [info], horizon_years),
            )
        )
    districts: dict[tuple[str, str], list[str]] = defaultdict(list)
    countries: dict[str, list[str]] = defaultdict(list)
    for info in lsgs.values():
        districts[(info.country, info.district or "-")].append(info.id)
        countries[info.country].append(info.id)
    for (country, district), members in sorted(districts.items()):
        t = totals(ln for m in members for ln in by_lsg.get(m, []))
        out.append(
            Rollup(
                level="district",
                key=f"{country}/{district}",
                name=district,
                country=country,
                currency=rates[country].currency if country in rates else None,
                totals=t,
                tco_gross_local=local(t, country) if country in rates else None,
                gaps=sum(gap_count[m] for m in members),
                **_per_head(t, [lsgs[m] for m in members], horizon_years),
            )
        )
    for country, members in sorted(countries.items()):
        t = totals(ln for m in members for ln in by_lsg.get(m, []))
        out.append(
            Rollup(
                level="country",
                key=country,
                name=rates[country].name if country in rates else country,
                country=country,
                currency=rates[country].currency if country in rates else None,
                totals=t,
                tco_gross_local=local(t, country) if country in rates else None,
                gaps=sum(gap_count[m] for m in members),
                **_per_head(t, [lsgs[m] for m in members], horizon_years),
            )
        )
    t = totals(lines)
    out.append(
        Rollup(
            level="programme",
            key="programme",
            name="Whole programme",
            currency="EUR",
            totals=t,
            gaps=len(gaps),
            **_per_head(t, list(lsgs.values()), horizon_years),
        )
    )
    return out


def lots(lines: Sequence[ProcurementLine], cpv_names: Mapping[str, str]) -> list[Lot]:
    """Tender lots: one per country and CPV code, in a stable order."""
    groups: dict[tuple[str, str], list[ProcurementLine]] = defaultdict(list)
    for ln in lines:
        groups[(ln.country, ln.cpv)].append(ln)
    out = []
    numbers: dict[str, int] = defaultdict(int)
    for (country, cpv), members in sorted(groups.items()):
        numbers[country] += 1
        n = numbers[country]
        quantity: dict[str, Decimal] = defaultdict(Decimal)
        for ln in members:
            quantity[ln.item] += ln.quantity
        out.append(
            Lot(
                id=f"{country}-LOT-{n:02d}",
                country=country,
                cpv=cpv,
                cpv_description=cpv_names.get(cpv, ""),
                items=sorted(quantity),
                lsgs=sorted({ln.lsg for ln in members}),
                quantity_by_item=dict(sorted(quantity.items())),
                totals=totals(members),
            )
        )
    return out
