"""What every requirement check shares: its context, the Gap it builds, plurals, its Kind.

A kind of requirement is registered as a `Kind`: the pydantic model that reads it from a
blueprint and the pure function that checks an inventory against it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Generic, TypeVar

from lsg_infra.model.gap import Gap, GapCase, GapKind
from lsg_infra.model.inventory import Asset, AssetKind, Inventory, Record
from lsg_infra.model.requirement import RequirementBase

if TYPE_CHECKING:
    # Only a type here: model/blueprint.py builds its union from this package's table.
    from lsg_infra.model.blueprint import ResolvedBlueprint

SEAT_KINDS = (AssetKind.WORKSTATION, AssetKind.LAPTOP)


@dataclass(frozen=True, slots=True)
class Context:
    """What every requirement check reads, computed once per inventory."""

    inventory: Inventory
    blueprint: ResolvedBlueprint
    today: dt.date
    assets_by_kind: dict[AssetKind, tuple[Asset, ...]]
    seats: int

    @property
    def lsg(self) -> str:
        return self.inventory.id


R = TypeVar("R", bound=RequirementBase)


@dataclass(frozen=True, slots=True)
class Kind(Generic[R]):
    """One kind of requirement: its blueprint model and its check, registered together."""

    model: type[R]
    check: Callable[[Context, R], list[Gap]]


def gap(
    ctx: Context,
    requirement: RequirementBase,
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


def _fallback_source(ctx: Context) -> list[tuple[str, int]]:
    src = ctx.inventory.municipality.source
    return [(src.file, src.line)] if src is not None else []


def plural(n: int | Decimal, unit: str) -> str:
    # Acronyms (UPS, NAS) and "staff" do not take an English plural ending.
    if n == 1 or unit.endswith("staff") or unit.isupper():
        return unit
    return f"{unit}es" if unit.endswith(("s", "sh", "ch", "x")) else f"{unit}s"


def are(n: int) -> str:
    return "is" if n == 1 else "are"


def runs(n: int) -> str:
    return "runs" if n == 1 else "run"
