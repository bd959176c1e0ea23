"""Capacity: staff trained in digital skills, and IT staff per employees."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from lsg_infra.gaps.common import Context, Kind, gap
from lsg_infra.model.gap import Family, Gap, GapKind
from lsg_infra.model.requirement import RequirementBase


class CapacityRequirement(RequirementBase):
    """Staff skills and IT staffing: a share trained, or IT staff per employees."""

    kind: Literal["capacity"]
    metric: Literal["trained-share", "it-staff"]
    min_share: Annotated[Decimal, Field(gt=0, le=1)] | None = Field(
        default=None, description="trained-share: e.g. 0.6 of employees trained."
    )
    employees_per_it_staff: Annotated[int, Field(ge=1, le=10_000)] | None = Field(
        default=None, description="it-staff: one IT person per this many employees."
    )
    min_it_staff: Annotated[int, Field(ge=0, le=1000)] = 1

    @model_validator(mode="after")
    def _metric_fields(self) -> CapacityRequirement:
        if self.metric == "trained-share" and self.min_share is None:
            raise ValueError("metric trained-share needs 'min_share' (e.g. 0.6)")
        if self.metric == "it-staff" and self.employees_per_it_staff is None:
            raise ValueError("metric it-staff needs 'employees_per_it_staff' (e.g. 50)")
        return self

    @property
    def family(self) -> Family:
        return Family.CAPACITY

    def rule(self) -> str:
        if self.metric == "trained-share":
            return f"{self.min_share} of employees trained"
        return f"1 IT staff per {self.employees_per_it_staff} employees (min {self.min_it_staff})"


def _capacity(ctx: Context, req: CapacityRequirement) -> list[Gap]:
    m = ctx.inventory.municipality
    if req.metric == "trained-share":
        assert req.min_share is not None  # checked by the model
        needed = math.ceil(req.min_share * m.employees)
        short = needed - m.trained_staff
        if short <= 0:
            return []
        share = f"{req.min_share * 100:.0f}%"
        return [
            gap(
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
        gap(
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


KINDS = (Kind(CapacityRequirement, _capacity),)
