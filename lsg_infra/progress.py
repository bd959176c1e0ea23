"""Progress between two plans: what was closed, what is new, what is left, and its money.

Planners run `lsg plan` each year and keep plan.json; donors ask what changed since the
last one. `compare(before, after)` answers from the two plans alone: pure, no I/O, no
printing, inputs never changed (napalm's `validate`: what complies, what is missing).

A gap is matched by its key: LSG id, requirement id, site and gap kind (a requirement
can fail twice at one LSG, e.g. workstations missing and workstations too old). A line
(what is bought) belongs to the gap of the same key. Within one plan a key can repeat (a
site's link redundancy and its speed are two insufficient gaps of one requirement), so
keys are counted: 2 before and 1 after is one gap closed. Money attributed to closed
and new gaps is that of keys gone entirely or new entirely; a key that only changed its
count keeps its money under "remaining".

LSGs in one plan only are "added" or "dropped": their gaps are neither closed nor new,
and the programme row sums only the LSGs in both plans. Amounts are each plan's own
(its catalogue, its rates, its date); where those differ, `notes` says so rather than
converting one plan's prices into the other's.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, NamedTuple

from lsg_infra.errors import UsageError
from lsg_infra.model.gap import Gap, GapKind
from lsg_infra.model.plan import Plan, ProcurementLine
from lsg_infra.textsafe import printable

ZERO = Decimal("0.00")

LsgStatus = Literal["compared", "added", "dropped"]
GapStatus = Literal["closed", "opened", "remaining"]


class GapKey(NamedTuple):
    """What makes a gap the same gap in two plans."""

    lsg: str
    requirement: str
    site: str
    kind: GapKind

    def label(self) -> str:
        """The gap in a few words, for tables.

        >>> GapKey("rs-alfa", "internet", "hq", GapKind.MISSING).label()
        'internet @hq (missing)'
        """
        at = f" @{self.site}" if self.site else ""
        return f"{self.requirement}{at} ({self.kind.value})"


@dataclass(frozen=True, slots=True)
class Money:
    """Gross amounts (VAT included) in EUR, as the plan priced them."""

    capex_gross_eur: Decimal = ZERO
    opex_gross_eur_per_year: Decimal = ZERO
    tco_gross_eur: Decimal = ZERO

    def __add__(self, other: Money) -> Money:
        return Money(
            self.capex_gross_eur + other.capex_gross_eur,
            self.opex_gross_eur_per_year + other.opex_gross_eur_per_year,
            self.tco_gross_eur + other.tco_gross_eur,
        )


def money_of(lines: Iterable[ProcurementLine]) -> Money:
    total = Money()
    for ln in lines:
        total += Money(ln.capex_gross_eur, ln.opex_gross_eur_per_year, ln.tco_gross_eur)
    return total


@dataclass(frozen=True, slots=True)
class GapChange:
    """One gap key and what became of it; money from the lines of that key in each plan.

    `reason` is AFTER's sentence where the gap is still there, BEFORE's where it closed.
    """

    status: GapStatus
    key: GapKey
    title: str | None
    reason: str
    count_before: int
    count_after: int
    before: Money
    after: Money


@dataclass(frozen=True, slots=True)
class LsgProgress:
    """One LSG (or the programme) between the two plans.

    For a compared LSG, gaps_before = closed + remaining and gaps_after = remaining +
    opened; an added or dropped LSG has only its gaps and money on its own side.
    """

    lsg: str
    name: str
    country: str | None
    status: LsgStatus
    gaps_before: int = 0
    gaps_after: int = 0
    closed: int = 0
    opened: int = 0
    remaining: int = 0
    before: Money = field(default_factory=Money)
    after: Money = field(default_factory=Money)
    closed_capex_gross_eur: Decimal = ZERO
    """CAPEX of the gaps closed, at BEFORE's prices: invested, or no longer needed."""
    opened_capex_gross_eur: Decimal = ZERO
    """CAPEX of the new gaps, at AFTER's prices."""


@dataclass(frozen=True, slots=True)
class PlanStamp:
    """What identifies a plan in a comparison: its date, horizon, years and price years;
    its LSGs, gaps and money counted over the LSGs compared (all, or those of --lsg)."""

    generated_for: dt.date
    horizon_years: int
    years: tuple[int, ...]
    price_years: tuple[int, ...]
    lsgs: int
    gaps: int
    totals: Money


@dataclass(frozen=True, slots=True)
class Progress:
    """The comparison of two plans: per LSG, the programme, every gap key, and notes.

    `programme` sums the LSGs in both plans (`status` "compared"); `lsgs` also lists the
    added and dropped ones. `notes` are sentences for the reader: plan dates, prices,
    rates or horizons that differ, LSGs in one plan only.
    """

    before: PlanStamp
    after: PlanStamp
    lsgs: list[LsgProgress]
    programme: LsgProgress
    gaps: list[GapChange]
    notes: list[str]


def key_of(item: Gap | ProcurementLine) -> GapKey:
    if isinstance(item, Gap):
        return GapKey(item.lsg, item.requirement, item.site or "", item.kind)
    return GapKey(item.lsg, item.requirement, item.site or "", item.gap_kind)


def compare(before: Plan, after: Plan, only: Sequence[str] = ()) -> Progress:
    """Compare two plans, optionally only the LSGs `only` (ids or slugs: rs-kikinda, kikinda).

    UsageError when an LSG asked for is in neither plan.
    """
    names = _names(before) | _names(after)
    chosen = _chosen(only, names) if only else set(names)
    sides = (_Side(before, chosen), _Side(after, chosen))
    b, a = sides
    rows: list[LsgProgress] = []
    changes: list[GapChange] = []
    for lsg in sorted(b.lsgs | a.lsgs):
        name, country = names[lsg]
        if lsg not in a.lsgs:
            rows.append(_one_side(lsg, name, country, "dropped", b))
        elif lsg not in b.lsgs:
            rows.append(_one_side(lsg, name, country, "added", a))
        else:
            lsg_changes = _gap_changes(lsg, b, a)
            changes.extend(lsg_changes)
            rows.append(_compared(lsg, name, country, lsg_changes, b, a))
    compared = [r for r in rows if r.status == "compared"]
    programme = LsgProgress(
        lsg="programme",
        name=f"Programme ({len(compared)} LSG(s) in both plans)",
        country=None,
        status="compared",
        gaps_before=sum(r.gaps_before for r in compared),
        gaps_after=sum(r.gaps_after for r in compared),
        closed=sum(r.closed for r in compared),
        opened=sum(r.opened for r in compared),
        remaining=sum(r.remaining for r in compared),
        before=sum((r.before for r in compared), Money()),
        after=sum((r.after for r in compared), Money()),
        closed_capex_gross_eur=sum((r.closed_capex_gross_eur for r in compared), ZERO),
        opened_capex_gross_eur=sum((r.opened_capex_gross_eur for r in compared), ZERO),
    )
    return Progress(
        before=b.stamp(),
        after=a.stamp(),
        lsgs=rows,
        programme=programme,
        gaps=changes,
        notes=_notes(before, after, rows),
    )


class _Side:
    """One plan's gaps and lines grouped by LSG and by key (only the LSGs chosen)."""

    def __init__(self, plan: Plan, chosen: set[str]) -> None:
        self.plan = plan
        self.counts: dict[str, Counter[GapKey]] = defaultdict(Counter)
        self.first: dict[GapKey, Gap] = {}
        self.lines: dict[GapKey, list[ProcurementLine]] = defaultdict(list)
        self.lines_of_lsg: dict[str, list[ProcurementLine]] = defaultdict(list)
        self.lsgs = _lsgs(plan) & chosen
        for gap in plan.gaps:
            if gap.lsg in self.lsgs:
                key = key_of(gap)
                self.counts[gap.lsg][key] += 1
                self.first.setdefault(key, gap)
        for ln in plan.lines:
            if ln.lsg in self.lsgs:
                self.lines[key_of(ln)].append(ln)
                self.lines_of_lsg[ln.lsg].append(ln)

    def money(self, keys: Iterable[GapKey]) -> Money:
        return sum((money_of(self.lines.get(k, ())) for k in keys), Money())

    def lsg_money(self, lsg: str) -> Money:
        return money_of(self.lines_of_lsg.get(lsg, ()))

    def stamp(self) -> PlanStamp:
        plan = self.plan
        return PlanStamp(
            generated_for=plan.generated_for,
            horizon_years=plan.horizon_years,
            years=tuple(plan.years),
            price_years=tuple(sorted({ln.price_year for ln in plan.lines})),
            lsgs=len(self.lsgs),
            gaps=sum(c.total() for c in self.counts.values()),
            totals=money_of(ln for lines in self.lines.values() for ln in lines),
        )


def _lsgs(plan: Plan) -> set[str]:
    # Every LSG has a roll-up, gaps or not; gaps and lines are read too, in case one lacks it.
    found = {r.key for r in plan.rollups if r.level == "lsg"}
    return found | {g.lsg for g in plan.gaps} | {ln.lsg for ln in plan.lines}


def _names(plan: Plan) -> dict[str, tuple[str, str | None]]:
    names: dict[str, tuple[str, str | None]] = {lsg: (lsg, None) for lsg in _lsgs(plan)}
    names.update({ln.lsg: (ln.lsg_name, ln.country) for ln in plan.lines})
    names.update({r.key: (r.name, r.country) for r in plan.rollups if r.level == "lsg"})
    return names


def _chosen(only: Sequence[str], names: dict[str, tuple[str, str | None]]) -> set[str]:
    by_slug = {lsg.split("-", 1)[-1]: lsg for lsg in names}
    chosen: set[str] = set()
    for wanted in only:
        lsg = wanted if wanted in names else by_slug.get(wanted)
        if lsg is None:
            raise UsageError(
                f"--lsg {printable(wanted)!r} is in neither plan; expected an LSG id of "
                "BEFORE or AFTER, like rs-kikinda"
            )
        chosen.add(lsg)
    return chosen


def _one_side(
    lsg: str, name: str, country: str | None, status: LsgStatus, side: _Side
) -> LsgProgress:
    gaps = side.counts[lsg].total()
    money = side.lsg_money(lsg)
    if status == "dropped":
        return LsgProgress(lsg, name, country, status, gaps_before=gaps, before=money)
    return LsgProgress(lsg, name, country, status, gaps_after=gaps, after=money)


def _gap_changes(lsg: str, b: _Side, a: _Side) -> list[GapChange]:
    then, now = b.counts[lsg], a.counts[lsg]
    changes: list[GapChange] = []
    for key in sorted(then.keys() | now.keys()):
        n_before, n_after = then[key], now[key]
        status: GapStatus = "closed" if n_after == 0 else "opened" if n_before == 0 else "remaining"
        gap = a.first[key] if n_after else b.first[key]
        changes.append(
            GapChange(
                status=status,
                key=key,
                title=gap.title,
                reason=gap.reason,
                count_before=n_before,
                count_after=n_after,
                before=b.money([key]),
                after=a.money([key]),
            )
        )
    return changes


def _compared(
    lsg: str, name: str, country: str | None, changes: list[GapChange], b: _Side, a: _Side
) -> LsgProgress:
    # A key whose count fell (2 -> 1) closed gaps while its other gaps remain.
    return LsgProgress(
        lsg,
        name,
        country,
        "compared",
        gaps_before=sum(c.count_before for c in changes),
        gaps_after=sum(c.count_after for c in changes),
        closed=sum(max(c.count_before - c.count_after, 0) for c in changes),
        opened=sum(max(c.count_after - c.count_before, 0) for c in changes),
        remaining=sum(min(c.count_before, c.count_after) for c in changes),
        before=b.lsg_money(lsg),
        after=a.lsg_money(lsg),
        closed_capex_gross_eur=sum(
            (c.before.capex_gross_eur for c in changes if c.status == "closed"), ZERO
        ),
        opened_capex_gross_eur=sum(
            (c.after.capex_gross_eur for c in changes if c.status == "opened"), ZERO
        ),
    )


def _notes(before: Plan, after: Plan, rows: list[LsgProgress]) -> list[str]:
    notes: list[str] = []
    if before.generated_for != after.generated_for:
        notes.append(
            f"plan dates differ: BEFORE is of {before.generated_for}, AFTER of "
            f"{after.generated_for}; gaps of age and end of support are judged on each date"
        )
        if after.generated_for < before.generated_for:
            notes.append("AFTER is older than BEFORE: were the two plans given the other way?")
    if before.horizon_years != after.horizon_years:
        notes.append(
            f"TCO horizons differ: BEFORE {before.horizon_years} years, AFTER "
            f"{after.horizon_years} years; the TCO columns are not comparable"
        )
    priced = _price_notes(before, after) + _rate_notes(before, after)
    notes.extend(priced)
    if priced:
        notes.append("amounts are each plan's own (its catalogue and rates), not converted")
    dropped = [r.lsg for r in rows if r.status == "dropped"]
    added = [r.lsg for r in rows if r.status == "added"]
    if dropped:
        notes.append(
            f"{len(dropped)} LSG(s) only in BEFORE (dropped, their gaps not counted as "
            f"closed): {_listing(dropped)}"
        )
    if added:
        notes.append(
            f"{len(added)} LSG(s) only in AFTER (added, their gaps not counted as new): "
            f"{_listing(added)}"
        )
    return notes


def _prices(plan: Plan) -> dict[str, set[tuple[Decimal, int]]]:
    prices: dict[str, set[tuple[Decimal, int]]] = defaultdict(set)
    for ln in plan.lines:
        prices[ln.item].add((ln.unit_price_eur, ln.price_year))
    return prices


def _price_notes(before: Plan, after: Plan) -> list[str]:
    then, now = _prices(before), _prices(after)
    changed = sorted(item for item in then.keys() & now.keys() if then[item] != now[item])
    notes: list[str] = []
    years_then = sorted({y for p in then.values() for _, y in p})
    years_now = sorted({y for p in now.values() for _, y in p})
    if years_then != years_now:
        notes.append(
            f"catalogue price years differ: BEFORE {_years(years_then)}, AFTER {_years(years_now)}"
        )
    if changed:

        def shown(prices: set[tuple[Decimal, int]]) -> str:
            return " or ".join(f"{p:.2f} EUR ({y})" for p, y in sorted(prices))

        examples = "; ".join(f"{i} {shown(then[i])} -> {shown(now[i])}" for i in changed[:3])
        more = f"; and {len(changed) - 3} more" if len(changed) > 3 else ""
        notes.append(f"{len(changed)} catalogue item(s) priced differently: {examples}{more}")
    return notes


def _rate_notes(before: Plan, after: Plan) -> list[str]:
    notes: list[str] = []
    for country in sorted(before.rates.keys() & after.rates.keys()):
        then, now = before.rates[country], after.rates[country]
        if (then.rate_per_eur, then.currency) != (now.rate_per_eur, now.currency):
            notes.append(
                f"{country} exchange rates differ: BEFORE {then.rate_per_eur} {then.currency} "
                f"per EUR ({then.rate_date}), AFTER {now.rate_per_eur} {now.currency} "
                f"({now.rate_date})"
            )
        vat_then = {c.value: v.pct for c, v in then.vat.items()}
        vat_now = {c.value: v.pct for c, v in now.vat.items()}
        if vat_then != vat_now:
            differ = sorted(
                c for c in vat_then.keys() | vat_now.keys() if vat_then.get(c) != vat_now.get(c)
            )
            notes.append(f"{country} VAT rates differ for {', '.join(differ)}")
    return notes


def _years(years: list[int]) -> str:
    return ", ".join(str(y) for y in years) or "none (no lines)"


def _listing(ids: list[str]) -> str:
    return ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
