"""The investment plan: costed procurement lines, phasing, roll-ups and tender lots.

`plan.json` is this model dumped as JSON; its schema is `lsg schema plan`
(docs/plan.schema.json). Money is Decimal, rounded half-up to cents per line;
totals are sums of rounded lines, so every figure in every output adds up.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, model_validator

from lsg_infra.model.catalogue import Billing, TaxClass
from lsg_infra.model.gap import Family, Gap, GapKind, Severity
from lsg_infra.model.law import LegalBasis

PLAN_SCHEMA_VERSION = "1.0"

# Decimals go to JSON as strings ("1234.50") so that no reader loses a cent to floats.
Money = Annotated[Decimal, PlainSerializer(lambda d: f"{d:.2f}", return_type=str, when_used="json")]
Quantity = Annotated[Decimal, PlainSerializer(lambda d: str(d), return_type=str, when_used="json")]


class VatRate(BaseModel):
    """The VAT rate of one tax class in one country, with the law that sets it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    pct: Annotated[Decimal, Field(ge=0, le=50)]
    source: str = Field(min_length=1, max_length=1000, description="Law and article.")


class CountryRates(BaseModel):
    """VAT by tax class and the exchange rate for one country (blueprints/countries.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    rate_per_eur: Annotated[Decimal, Field(gt=0, le=100_000)]
    rate_date: dt.date
    vat: dict[TaxClass, VatRate] = Field(description="VAT rate of every tax class.")

    @model_validator(mode="after")
    def _every_class(self) -> CountryRates:
        missing = [c.value for c in TaxClass if c not in self.vat]
        if missing:
            raise ValueError(f"vat: no rate for tax class(es) {', '.join(missing)}")
        return self

    def vat_for(self, tax_class: TaxClass) -> VatRate:
        return self.vat[tax_class]


class ProcurementLine(BaseModel):
    """One catalogue item to buy for one gap of one LSG."""

    model_config = ConfigDict(frozen=True)
    line: int = Field(description="Stable line number in the plan (1-based).")
    lsg: str
    lsg_name: str
    country: str
    district: str | None
    requirement: str
    requirement_title: str = Field(description="The requirement's title in the blueprint.")
    references: list[str] = Field(
        default_factory=list, description="The requirement's legal or normative references."
    )
    family: Family
    gap_kind: GapKind
    severity: Severity
    priority: int
    reason: str
    site: str | None = None
    item: str
    description: str
    description_local: str | None = None
    category: str
    tax_class: TaxClass
    cpv: str
    unit: str
    billing: Billing
    quantity: Quantity = Field(
        description="What is bought: devices, licences, subscriptions, expert days."
    )
    unit_price_eur: Money = Field(description="Per unit, per billing period (month, year).")
    price_year: int
    periods: int = Field(
        description="Billing periods in a year: 12 for monthly, 1 for yearly and one-off items."
    )
    net_eur: Money = Field(
        description="quantity x unit price x periods; per year for recurring items."
    )
    vat_pct: Quantity
    vat_reason: str = Field(description="Why this rate: the tax class and the law that sets it.")
    vat_eur: Money
    gross_eur: Money
    capex_gross_eur: Money = Field(description="One-off cost including VAT (0 if recurring).")
    opex_gross_eur_per_year: Money = Field(description="Recurring cost per year including VAT.")
    tco_gross_eur: Money = Field(description="Total cost over the plan's horizon, VAT included.")
    currency: str
    gross_local: Money = Field(description="gross_eur in the local currency.")
    tco_gross_local: Money
    computation: str = Field(
        description="How the line was computed, to recheck with a calculator: "
        "quantity x unit price x periods = net; VAT; gross; total cost of ownership."
    )
    year: int | None = Field(default=None, description="Budget year it is funded in.")
    funded: bool = True
    unfunded_reason: str | None = None


class Totals(BaseModel):
    """Sums over a set of lines (an LSG, a district, a country, a lot, the programme)."""

    model_config = ConfigDict(frozen=True)
    lines: int = 0
    capex_net_eur: Money = Decimal("0.00")
    capex_gross_eur: Money = Decimal("0.00")
    opex_net_eur_per_year: Money = Decimal("0.00")
    opex_gross_eur_per_year: Money = Decimal("0.00")
    tco_gross_eur: Money = Decimal("0.00")
    funded_gross_eur: Money = Decimal("0.00")
    unfunded_gross_eur: Money = Decimal("0.00")


class Rollup(BaseModel):
    model_config = ConfigDict(frozen=True)
    level: Literal["lsg", "district", "country", "programme"]
    key: str
    name: str
    country: str | None = None
    currency: str | None = None
    totals: Totals
    tco_gross_local: Money | None = None
    gaps: int = 0
    compliance_pct: Quantity | None = None
    population: int | None = Field(default=None, description="Inhabitants (census).")
    employees: int | None = Field(default=None, description="Administration staff.")
    tco_per_inhabitant_eur: Money | None = Field(
        default=None, description="TCO gross over the horizon / inhabitants."
    )
    tco_per_employee_eur: Money | None = Field(
        default=None, description="TCO gross over the horizon / administration staff."
    )
    annual_it_budget_eur: Money | None = Field(
        default=None,
        description="The LSG's yearly IT budget, from its inventory "
        "(municipality.annual_it_budget_eur), where recorded.",
    )
    it_budget_share_pct: Quantity | None = Field(
        default=None,
        description="Average yearly cost (TCO gross / horizon years) as a percentage of "
        "annual_it_budget_eur; only where every LSG of the roll-up records its budget.",
    )


class Lot(BaseModel):
    """A tender lot: every line of one country with the same CPV code."""

    model_config = ConfigDict(frozen=True)
    id: str
    country: str
    cpv: str
    cpv_description: str
    items: list[str]
    lsgs: list[str]
    quantity_by_item: dict[str, Quantity]
    totals: Totals


class YearBudget(BaseModel):
    model_config = ConfigDict(frozen=True)
    year: int
    budget_gross_eur: Money | None
    spent_gross_eur: Money


class Plan(BaseModel):
    model_config = ConfigDict(frozen=True)
    schema_version: str = PLAN_SCHEMA_VERSION
    generated_for: dt.date = Field(description="Reference date of the analysis.")
    horizon_years: int = Field(description="Years of total cost of ownership.")
    years: list[int]
    budget_gross_eur: Money | None = None
    catalogue_disclaimer: str
    rates: dict[str, CountryRates]
    gaps: list[Gap] = Field(description="Every gap, costed or not, most urgent first.")
    lines: list[ProcurementLine]
    rollups: list[Rollup]
    lots: list[Lot]
    budget_by_year: list[YearBudget]
    legal_basis: list[LegalBasis] = Field(
        default_factory=list,
        description="The laws cited by the requirements that apply to the plan's LSGs, met or "
        "not, each with its status on the reference date (blueprints/reference/laws.csv).",
    )

    def legal_warnings(self) -> list[str]:
        """One line per cited law that is not in force on the reference date."""
        out = (basis.warning(self.generated_for) for basis in self.legal_basis)
        return [w for w in out if w is not None]
