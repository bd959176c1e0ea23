"""Services and controls: eServices in use, controls in place and reviewed, the website."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from lsg_infra.gaps.common import Context, Kind, gap
from lsg_infra.model.gap import Family, Gap, GapKind
from lsg_infra.model.requirement import Id, RequirementBase


class EServiceRequirement(RequirementBase):
    """The LSG offers (or uses) an eService or national platform from the catalogue."""

    kind: Literal["eservice"]
    service: Id

    @property
    def family(self) -> Family:
        return Family.ESERVICES

    def rule(self) -> str:
        return f"uses {self.service}"


class ControlRequirement(RequirementBase):
    """A security or organisational control from the control catalogue is in place."""

    kind: Literal["control"]
    control: Id
    offsite: bool = Field(default=False, description="For backup: an off-site copy is required.")
    review_months: Annotated[int, Field(ge=1, le=120)] | None = Field(
        default=None,
        description="The control's `tested` date must be at most this many months old "
        "(12 for a yearly check or review).",
    )

    @property
    def family(self) -> Family:
        return Family.CONTROLS

    def rule(self) -> str:
        return f"{self.control} in place" + (" with off-site copy" if self.offsite else "")


class WebsiteRequirement(RequirementBase):
    """The website was self-assessed, audited for accessibility, and publishes what it must."""

    kind: Literal["website"]
    self_assessment_months: Annotated[int, Field(ge=1, le=120)] | None = Field(
        default=None, description="A self-assessment at most this many months old."
    )
    accessibility_audit_months: Annotated[int, Field(ge=1, le=120)] | None = Field(
        default=None, description="An accessibility audit at most this many months old."
    )
    accessibility_statement: bool = Field(
        default=False, description="An accessibility statement must be published."
    )
    publications: tuple[Id, ...] = Field(
        default=(),
        description="Publication ids the site must carry (inventory website.publications).",
    )

    @model_validator(mode="after")
    def _something(self) -> WebsiteRequirement:
        if not (
            self.self_assessment_months
            or self.accessibility_audit_months
            or self.accessibility_statement
            or self.publications
        ):
            raise ValueError(
                "a website requirement needs self_assessment_months, "
                "accessibility_audit_months, accessibility_statement or publications"
            )
        return self

    @property
    def family(self) -> Family:
        return Family.CONTROLS

    def rule(self) -> str:
        parts = []
        if self.self_assessment_months:
            parts.append(f"self-assessment within {self.self_assessment_months} months")
        if self.accessibility_audit_months:
            parts.append(f"accessibility audit within {self.accessibility_audit_months} months")
        if self.accessibility_statement:
            parts.append("accessibility statement")
        if self.publications:
            parts.append("publishes " + "/".join(self.publications))
        return "website: " + "; ".join(parts)


def _eservice(ctx: Context, req: EServiceRequirement) -> list[Gap]:
    if req.service in ctx.inventory.services:
        return []
    name = ctx.blueprint.eservice_names.get(req.service, req.service)
    return [
        gap(
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


def _control(ctx: Context, req: ControlRequirement) -> list[Gap]:
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
        gap(
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


def _website(ctx: Context, req: WebsiteRequirement) -> list[Gap]:
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
        gap(
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


KINDS = (
    Kind(EServiceRequirement, _eservice),
    Kind(ControlRequirement, _control),
    Kind(WebsiteRequirement, _website),
)
