"""Gap analysis: inventory x resolved blueprint -> what one LSG lacks, and why.

Pure and deterministic: no I/O, no printing, inputs never modified; the same
inventory, blueprint and day always give the same gaps in the same order. A gap's
reason reads 'Has 196 workstations; the blueprint asks for 240 (1 per employee).'
Each requirement is checked by its kind's function, found in `kinds.py`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsg_infra.gaps.common import SEAT_KINDS, Context
from lsg_infra.gaps.kinds import check
from lsg_infra.model.gap import Family, Gap
from lsg_infra.model.inventory import Asset, AssetKind, Inventory

if TYPE_CHECKING:
    from lsg_infra.model.blueprint import ResolvedBlueprint


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


def analyse(inventory: Inventory, blueprint: ResolvedBlueprint, today: dt.date) -> list[Gap]:
    """Every gap of `inventory` against `blueprint` on the day `today`, in a stable order."""
    by_kind: defaultdict[AssetKind, list[Asset]] = defaultdict(list)
    for asset in inventory.assets:
        by_kind[asset.kind].append(asset)
    ctx = Context(
        inventory=inventory,
        blueprint=blueprint,
        today=today,
        assets_by_kind={kind: tuple(assets) for kind, assets in by_kind.items()},
        seats=sum(a.count for kind in SEAT_KINDS for a in by_kind.get(kind, ())),
    )
    gaps: list[Gap] = []
    for requirement in blueprint.requirements:
        gaps.extend(check(ctx, requirement))
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
