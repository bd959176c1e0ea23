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


class Case(StrEnum):
    """Which remedy fits which units of a gap (a remedy rule's `when`).

    Unsupported software is fixed differently by what it is: free software is
    upgraded by an expert, Windows 10 on capable hardware upgrades to 11 for free,
    hardware that cannot run a supported version is replaced, other software needs a
    licence (a virtualisation platform: a host subscription). Equipment being replaced
    (old or below spec, and servers consolidated onto new hosts) is migrated and retired.
    """

    FREE_SOFTWARE = "free-software"
    FREE_UPGRADE = "free-upgrade"
    REPLACE_HARDWARE = "replace-hardware"
    LICENSED = "licensed"
    HYPERVISOR = "hypervisor"
    REPLACED = "replaced"


class GapCase(BaseModel):
    """Units of a gap that one kind of remedy fits, with the assets they are."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    case: Case
    units: Decimal = Field(ge=0)
    assets: tuple[tuple[str, int], ...] = Field(
        default=(), description="(asset id, units) of the named assets among them."
    )
    note: str = Field(description="Why these units get this remedy.")


class Remedy(BaseModel):
    """A catalogue item that closes a gap: `per_unit` items per unit of shortfall, plus `fixed`.

    Quantity = shortfall x per_unit + fixed (+ per_employee x employees), e.g. 12 missing
    workstations x 1 per unit, or a security act drafted once (per_unit 0, fixed 1).
    With `when`, the shortfall is the units of that case only, and the remedy applies
    only when there are some; with `kinds`, only to gaps of those kinds; with
    `min_employees`/`max_employees`, only to LSGs of that size.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    item: str
    per_unit: Decimal = Decimal(1)
    fixed: Decimal = Decimal(0)
    per_employee: Decimal = Decimal(0)
    when: Case | None = None
    kinds: tuple[GapKind, ...] = ()
    min_employees: int | None = None
    max_employees: int | None = None
    less_current_cost: bool = False

    def quantity(self, shortfall: Decimal, employees: int = 0) -> Decimal:
        return shortfall * self.per_unit + self.fixed + self.per_employee * employees

    def describe(self) -> str:
        """'windows-server-cal x0+1/employee when licensed', for tables of gaps."""
        text = f"{self.item} x{self.per_unit}+{self.fixed}"
        if self.per_employee:
            text += f"+{self.per_employee}/employee"
        if self.when is not None:
            text += f" when {self.when.value}"
        if self.kinds:
            text += f" if {'/'.join(k.value for k in self.kinds)}"
        if self.min_employees is not None:
            text += f" from {self.min_employees} staff"
        if self.max_employees is not None:
            text += f" up to {self.max_employees} staff"
        return text

    def fits(self, kind: GapKind, employees: int | None) -> bool:
        """Whether this remedy applies to a gap of `kind` in an LSG of `employees` staff."""
        if self.kinds and kind not in self.kinds:
            return False
        if employees is None:
            return self.min_employees is None
        if self.min_employees is not None and employees < self.min_employees:
            return False
        return self.max_employees is None or employees <= self.max_employees


class Gap(BaseModel):
    """One unmet requirement for one LSG.

    `reason` is one sentence a planner can read aloud, e.g. '150 of 196 workstations
    are older than 5 years (bought 2015).'
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
    cases: tuple[GapCase, ...] = Field(
        default=(), description="The shortfall split by the remedy that fits each unit."
    )
    current_monthly_cost_eur: Decimal | None = Field(
        default=None, description="What the LSG pays a month today for what a remedy replaces."
    )
    references: tuple[str, ...] = Field(default=(), description="KPI codes, laws, norms.")
    site: str | None = None
    assets: tuple[str, ...] = Field(default=(), description="Inventory asset ids involved.")
    source: str | None = Field(default=None, description="file:line of the inventory record.")

    def case_units(self, case: Case) -> Decimal:
        return sum((c.units for c in self.cases if c.case is case), Decimal(0))

    @property
    def sort_key(self) -> tuple[int, int, str, str, str]:
        return (
            SEVERITY_RANK[self.severity],
            self.priority,
            self.lsg,
            self.requirement,
            self.site or "",
        )
