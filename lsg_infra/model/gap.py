"""A gap: one requirement of the blueprint that one LSG does not meet, and why.

Gaps are the contract between the gap analysis (`lsg_infra.gaps`) and costing
(`lsg_infra.costing`): a gap carries everything costing needs (the shortfall in
units and the catalogue items that remedy it), so costing never reads a blueprint.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class GapKind(StrEnum):
    MISSING = "missing"  # fewer items than required (none, or too few)
    INSUFFICIENT = "insufficient"  # present but below spec (RAM, bandwidth, no redundancy)
    OBSOLETE = "obsolete"  # older than the lifecycle norm allows
    UNSUPPORTED = "unsupported"  # software past its end of support
    ABSENT_SERVICE = "absent-service"  # an eService or national platform not offered
    ABSENT_CONTROL = "absent-control"  # a security or organisational control not in place
    CAPACITY = "capacity"  # staff skills or IT staffing below the norm


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


SEVERITY_RANK: dict[Severity, int] = {
    Severity.CRITICAL: 0,
    Severity.HIGH: 1,
    Severity.MEDIUM: 2,
    Severity.LOW: 3,
}


class Family(StrEnum):
    """Requirement families, for compliance scores and report sections."""

    EQUIPMENT = "equipment"
    CONNECTIVITY = "connectivity"
    SOFTWARE = "software"
    ESERVICES = "eservices"
    CONTROLS = "controls"
    CAPACITY = "capacity"


class Remedy(BaseModel):
    """A catalogue item that closes a gap: `per_unit` items per unit of shortfall, plus `fixed`.

    Quantity = shortfall x per_unit + fixed, e.g. 12 missing workstations x 1 per unit,
    or a security act drafted once (per_unit 0, fixed 1).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    item: str
    per_unit: Decimal = Decimal(1)
    fixed: Decimal = Decimal(0)

    def quantity(self, shortfall: Decimal) -> Decimal:
        return shortfall * self.per_unit + self.fixed


class Gap(BaseModel):
    """One unmet requirement for one LSG.

    >>> gap.reason  # doctest: +SKIP
    '150 of 196 workstations are older than 5 years (bought 2015).'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    lsg: str = Field(description="LSG id, e.g. rs-kikinda.")
    requirement: str = Field(description="Requirement id in the blueprint.")
    title: str | None = Field(default=None, description="The requirement's title.")
    family: Family
    kind: GapKind
    severity: Severity
    priority: int = Field(ge=1, le=9, description="1 is the most urgent.")
    expected: str = Field(description="What the blueprint asks for, in words and units.")
    actual: str = Field(description="What the inventory has.")
    shortfall: Decimal = Field(ge=0, description="Units missing, in `unit`.")
    unit: str = Field(description="Unit of the shortfall: workstation, Mbit/s, staff, control...")
    reason: str = Field(description="One sentence a planner can read aloud.")
    remedies: tuple[Remedy, ...] = ()
    references: tuple[str, ...] = Field(default=(), description="KPI codes, laws, norms.")
    site: str | None = None
    assets: tuple[str, ...] = Field(default=(), description="Inventory asset ids involved.")
    source: str | None = Field(default=None, description="file:line of the inventory record.")

    @property
    def sort_key(self) -> tuple[int, int, str, str, str]:
        return (
            SEVERITY_RANK[self.severity],
            self.priority,
            self.lsg,
            self.requirement,
            self.site or "",
        )
