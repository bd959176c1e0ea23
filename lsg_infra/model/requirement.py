"""What every requirement kind shares: its identity, why it exists and what closes it.

The kinds themselves (equipment, connectivity, ...) live with their checks in
`lsg_infra/gaps/`, one module per family, registered in `lsg_infra/gaps/kinds.py`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from lsg_infra.model.gap import Case, Family, GapKind, Remedy, Severity

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", min_length=1, max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RemedyRule(Strict):
    """A catalogue item that closes the gap: `per_unit` per unit of shortfall plus `fixed`.

    The quantity counts what is bought (devices, licences, subscriptions, expert days),
    never months: the catalogue's billing period makes a monthly price yearly.
    """

    item: Id
    per_unit: Annotated[Decimal, Field(ge=0, le=10_000)] = Decimal(1)
    fixed: Annotated[Decimal, Field(ge=0, le=10_000)] = Decimal(0)
    per_employee: Annotated[Decimal, Field(ge=0, le=10)] = Field(
        default=Decimal(0), description="Items per employee of the LSG (e.g. user CALs)."
    )
    when: Case | None = Field(
        default=None,
        description="Only for the units of this case: free-software, free-upgrade, "
        "replace-hardware, licensed, replaced.",
    )
    kinds: tuple[GapKind, ...] = Field(
        default=(), description="Only for gaps of these kinds (e.g. [obsolete])."
    )
    min_employees: Annotated[int, Field(ge=0, le=100_000)] | None = None
    max_employees: Annotated[int, Field(ge=0, le=100_000)] | None = None
    less_current_cost: bool = Field(
        default=False,
        description="Monthly items: count only what the new contract costs above the "
        "recorded monthly cost of what it replaces (a link's monthly_cost_eur).",
    )

    def as_remedy(self) -> Remedy:
        return Remedy(
            item=self.item,
            per_unit=self.per_unit,
            fixed=self.fixed,
            per_employee=self.per_employee,
            when=self.when,
            kinds=self.kinds,
            min_employees=self.min_employees,
            max_employees=self.max_employees,
            less_current_cost=self.less_current_cost,
        )


class RequirementBase(Strict):
    id: Id
    title: Text = Field(description="Short name, e.g. 'Workstations'.")
    rationale: Text = Field(description="Why, in plain language, for a planner.")
    priority: Annotated[int, Field(ge=1, le=9)] = Field(description="1 is the most urgent.")
    severity: Severity
    references: tuple[Text, ...] = Field(default=(), description="Laws, norms, guidelines.")
    kpis: tuple[Text, ...] = Field(default=(), description="U4SSC KPI codes this supports.")
    remedy: tuple[RemedyRule, ...] = Field(default=(), description="Catalogue items that close it.")

    if TYPE_CHECKING:
        # Each kind narrows it to its Literal tag; declared here only for the type checker,
        # so that pydantic keeps each kind's own field order.
        kind: str

    @property
    def family(self) -> Family:
        raise NotImplementedError  # pragma: no cover - every kind defines it

    def rule(self) -> str:
        """What the requirement asks for, in a few words (`lsg blueprint show`)."""
        raise NotImplementedError  # pragma: no cover - every kind defines it
