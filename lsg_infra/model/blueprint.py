"""Blueprints: what an LSG of a given size and country should have.

A blueprint file (`blueprints/**.yaml`) holds a header (`blueprint:`) and a list
of requirements. Tier blueprints (small, medium, large, city) extend the common
base; a country overlay (RS, ME, MK) adds national platforms and law. Resolving
a tier for a country walks `extends` (parents first) and lets a later
requirement replace an earlier one with the same id, so a tier can tighten the
base's connectivity without repeating the rest.

Every requirement says why it exists (`rationale`), how urgent it is
(`priority`, `severity`), where it comes from (`references`, `kpis`) and what
closes it (`remedy`: catalogue items and a quantity rule, see `Remedy`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from lsg_infra.model.gap import Case, Family, GapKind, Remedy, Severity
from lsg_infra.model.inventory import AssetKind, ServerRole, SiteRole, SoftwareCategory

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", min_length=1, max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Count = Annotated[Decimal, Field(ge=0, le=10_000)]
BlueprintCountry = Literal["RS", "ME", "MK"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuantityRule(Strict):
    """How many items an LSG needs, from its size: the terms are added, then rounded up.

    >>> rule = QuantityRule(per_employee=Decimal("0.5"), per_site=Decimal(1), fixed=Decimal(2))
    >>> rule.required(employees=9, sites=2, service_centres=0, server_rooms=1)
    9
    >>> rule.describe()
    '0.5 per employee + 1 per site + 2'
    """

    per_employee: Count = Decimal(0)
    per_site: Count = Decimal(0)
    per_service_centre: Count = Decimal(0)
    per_server_room: Count = Decimal(0)
    fixed: Count = Decimal(0)

    @model_validator(mode="after")
    def _not_empty(self) -> QuantityRule:
        if (
            not any(
                (self.per_employee, self.per_site, self.per_service_centre, self.per_server_room)
            )
            and not self.fixed
        ):
            raise ValueError(
                "a quantity rule needs at least one of per_employee, per_site, "
                "per_service_centre, per_server_room or fixed above 0"
            )
        return self

    def required(
        self, *, employees: int, sites: int, service_centres: int, server_rooms: int
    ) -> int:
        total = (
            self.per_employee * employees
            + self.per_site * sites
            + self.per_service_centre * service_centres
            + self.per_server_room * server_rooms
            + self.fixed
        )
        return math.ceil(total)

    def describe(self) -> str:
        """'1 per employee + 1 per site', for the `expected` text of a gap."""
        parts = [
            f"{_num(value)} {label}"
            for value, label in (
                (self.per_employee, "per employee"),
                (self.per_site, "per site"),
                (self.per_service_centre, "per service centre"),
                (self.per_server_room, "per server room"),
            )
            if value
        ]
        if self.fixed:
            parts.append(_num(self.fixed))
        return " + ".join(parts)


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


class MinSpec(Strict):
    """Minimum specification of one unit; units below it are `insufficient`."""

    cpu_cores: Annotated[int, Field(ge=1, le=1024)] | None = None
    ram_gb: Annotated[float, Field(gt=0, le=65_536)] | None = None
    storage_tb: Annotated[float, Field(gt=0, le=100_000)] | None = None
    ports: Annotated[int, Field(ge=1, le=1024)] | None = None
    capacity_va: Annotated[int, Field(ge=100, le=1_000_000)] | None = None


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


class FreeUpgrade(Strict):
    """An unsupported version that upgrades for free on hardware bought from a year on."""

    product: Id = Field(description="Product id in software_support.yaml, e.g. windows.")
    version: Text = Field(description="The unsupported version, e.g. '10'.")
    to: Text = Field(description="What it upgrades to, e.g. 'Windows 11'.")
    purchased_from: Annotated[int, Field(ge=1990, le=2100)] = Field(
        description="Hardware bought in this year or later is taken to run the new version."
    )
    why: Text = Field(description="Why the purchase year stands for the hardware's ability.")


class RequirementBase(Strict):
    id: Id
    title: Text = Field(description="Short name, e.g. 'Workstations'.")
    rationale: Text = Field(description="Why, in plain language, for a planner.")
    priority: Annotated[int, Field(ge=1, le=9)] = Field(description="1 is the most urgent.")
    severity: Severity
    references: tuple[Text, ...] = Field(default=(), description="Laws, norms, guidelines.")
    kpis: tuple[Text, ...] = Field(default=(), description="U4SSC KPI codes this supports.")
    remedy: tuple[RemedyRule, ...] = Field(default=(), description="Catalogue items that close it.")

    @property
    def family(self) -> Family:
        raise NotImplementedError  # pragma: no cover - every kind defines it


class EquipmentRequirement(RequirementBase):
    """Enough units of some asset kinds, young enough and above a minimum spec."""

    kind: Literal["equipment"]
    assets: tuple[AssetKind, ...] = Field(min_length=1, description="Asset kinds that count.")
    roles: tuple[ServerRole, ...] = Field(
        default=(), description="For servers: only those with one of these roles count."
    )
    unit: Text = "unit"
    quantity: QuantityRule
    max_age_years: Annotated[int, Field(ge=1, le=30)] | None = None
    min_spec: MinSpec | None = None

    @property
    def family(self) -> Family:
        return Family.EQUIPMENT


class ConnectivityRequirement(RequirementBase):
    """Each site with one of `sites` roles has links this fast, and this many of them."""

    kind: Literal["connectivity"]
    sites: tuple[SiteRole, ...] = Field(
        min_length=1, description="Site roles this applies to, e.g. headquarters."
    )
    exclude: tuple[SiteRole, ...] = Field(
        default=(), description="Skip sites with these roles (covered by another requirement)."
    )
    min_down_mbps: Annotated[float, Field(gt=0, le=100_000)] | None = None
    min_up_mbps: Annotated[float, Field(gt=0, le=100_000)] | None = None
    min_links: Annotated[int, Field(ge=1, le=10)] = Field(
        default=1, description="2 means a redundant link."
    )

    @property
    def family(self) -> Family:
        return Family.CONNECTIVITY


class SoftwareCategoryRequirement(RequirementBase):
    """At least one product of each category is in use."""

    kind: Literal["software-category"]
    category: SoftwareCategory
    per_seat: bool = Field(
        default=False,
        description="Licensed per computer: the shortfall is the number of computers.",
    )

    @property
    def family(self) -> Family:
        return Family.SOFTWARE


class SoftwareSupportRequirement(RequirementBase):
    """Operating systems of these asset kinds (or software of these categories) are supported."""

    kind: Literal["software-support"]
    assets: tuple[AssetKind, ...] = Field(
        default=(), description="Check the OS of these asset kinds."
    )
    categories: tuple[SoftwareCategory, ...] = Field(
        default=(), description="Check the version of software in these categories."
    )
    per_seat: bool = Field(
        default=False,
        description="Count licences (or computers when not recorded) instead of products.",
    )
    free_upgrades: tuple[FreeUpgrade, ...] = Field(
        default=(), description="Versions that upgrade for free on capable hardware."
    )

    @model_validator(mode="after")
    def _something(self) -> SoftwareSupportRequirement:
        if not self.assets and not self.categories:
            raise ValueError("a software-support requirement needs 'assets' or 'categories'")
        return self

    @property
    def family(self) -> Family:
        return Family.SOFTWARE


class EServiceRequirement(RequirementBase):
    """The LSG offers (or uses) an eService or national platform from the catalogue."""

    kind: Literal["eservice"]
    service: Id

    @property
    def family(self) -> Family:
        return Family.ESERVICES


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


Requirement = Annotated[
    EquipmentRequirement
    | ConnectivityRequirement
    | SoftwareCategoryRequirement
    | SoftwareSupportRequirement
    | EServiceRequirement
    | ControlRequirement
    | WebsiteRequirement
    | CapacityRequirement,
    Field(discriminator="kind"),
]
REQUIREMENT_KINDS: dict[str, type[RequirementBase]] = {
    "equipment": EquipmentRequirement,
    "connectivity": ConnectivityRequirement,
    "software-category": SoftwareCategoryRequirement,
    "software-support": SoftwareSupportRequirement,
    "eservice": EServiceRequirement,
    "control": ControlRequirement,
    "website": WebsiteRequirement,
    "capacity": CapacityRequirement,
}
AnyRequirement = (
    EquipmentRequirement
    | ConnectivityRequirement
    | SoftwareCategoryRequirement
    | SoftwareSupportRequirement
    | EServiceRequirement
    | ControlRequirement
    | WebsiteRequirement
    | CapacityRequirement
)


class BlueprintHeader(Strict):
    id: Id
    name: Text
    extends: tuple[Id, ...] = Field(default=(), description="Parent blueprints, applied first.")
    country: BlueprintCountry | None = Field(
        default=None, description="Set on a country overlay: applies to LSGs of that country."
    )
    notes: Text | None = None


class Blueprint(Strict):
    """One blueprint file."""

    blueprint: BlueprintHeader
    requirements: tuple[Requirement, ...] = ()
    remove: tuple[Id, ...] = Field(default=(), description="Inherited requirement ids to drop.")

    @property
    def id(self) -> str:
        return self.blueprint.id


class Tier(Strict):
    """A size class of LSG: population from `min_population` (inclusive) to `max_population`."""

    id: Id
    name: Text
    min_population: Annotated[int, Field(ge=0)]
    max_population: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="Exclusive upper bound; none for the largest tier."
    )
    blueprint: Id

    def fits(self, population: int) -> bool:
        return population >= self.min_population and (
            self.max_population is None or population < self.max_population
        )


class Tiers(Strict):
    tiers: tuple[Tier, ...] = Field(min_length=1)
    overlays: dict[BlueprintCountry, Id] = Field(
        default_factory=dict, description="Country -> overlay blueprint id."
    )

    @model_validator(mode="after")
    def _contiguous(self) -> Tiers:
        ordered = sorted(self.tiers, key=lambda t: t.min_population)
        for low, high in itertools.pairwise(ordered):
            if low.max_population != high.min_population:
                raise ValueError(
                    f"tier '{low.id}' ends at {low.max_population} but '{high.id}' starts "
                    f"at {high.min_population}; tiers must be contiguous"
                )
        if ordered[-1].max_population is not None:
            raise ValueError(f"the largest tier '{ordered[-1].id}' must have no max_population")
        return self

    def for_population(self, population: int) -> Tier:
        for tier in self.tiers:
            if tier.fits(population):
                return tier
        raise ValueError(f"no tier fits population {population}")  # pragma: no cover

    def get(self, tier_id: str) -> Tier | None:
        return next((t for t in self.tiers if t.id == tier_id), None)


class EService(Strict):
    id: Id
    country: BlueprintCountry
    name: Text
    name_local: Text | None = None
    platform: Text | None = None
    source: Text


class EServices(Strict):
    eservices: tuple[EService, ...]


class ControlDefinition(Strict):
    id: Id
    name: Text
    description: Text
    references: tuple[Text, ...] = ()


class Controls(Strict):
    controls: tuple[ControlDefinition, ...]


class Kpi(Strict):
    code: Text
    name: Text
    unit: Text
    source: Text


class Kpis(Strict):
    kpis: tuple[Kpi, ...]


class SupportedVersion(Strict):
    """One version of a product and the day its free security updates end (none: evergreen)."""

    version: Text
    aliases: tuple[Text, ...] = ()
    end_of_support: dt.date | None = None


class Product(Strict):
    id: Id
    names: tuple[Text, ...] = Field(min_length=1, description="Names as written in inventories.")
    versions: tuple[SupportedVersion, ...] = Field(min_length=1)
    source: Text
    free: bool = Field(
        default=False,
        description="Free (open-source) software: a supported version costs upgrade work, "
        "never a licence.",
    )


class SoftwareSupport(Strict):
    """End-of-support dates by product and version (blueprints/software_support.yaml)."""

    products: tuple[Product, ...]
    _index: dict[tuple[str, str], dt.date | None] = PrivateAttr(default_factory=dict)
    _products: dict[str, Product] = PrivateAttr(default_factory=dict)
    _versions: dict[tuple[str, str], str] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: object, /) -> None:
        # (name, version) in lower case -> end date; the analysis asks once per asset record.
        for product in reversed(self.products):  # the first product listed wins
            for name in product.names:
                self._products[name.casefold()] = product
                for v in product.versions:
                    for version in (v.version, *v.aliases):
                        self._versions[(name.casefold(), version.casefold())] = v.version
            for v in reversed(product.versions):
                for name in product.names:
                    for version in (v.version, *v.aliases):
                        self._index[(name.casefold(), version.casefold())] = v.end_of_support

    def product(self, name: str) -> Product | None:
        """The product an inventory's name stands for, if it is listed."""
        return self._products.get(name.strip().casefold())

    def version(self, name: str, version: str | None) -> str | None:
        """The listed version an inventory's version stands for ('10 22H2' -> '10')."""
        if version is None:
            return None
        return self._versions.get((name.strip().casefold(), version.strip().casefold()))

    def end_of_support(self, name: str, version: str | None) -> tuple[bool, dt.date | None]:
        """(known, end date) for a product as written in an inventory.

        Unknown products or versions are (False, None): we cannot tell, so we do not flag them.
        """
        if version is None:
            return False, None
        key = (name.strip().casefold(), version.strip().casefold())
        if key not in self._index:
            return False, None
        return True, self._index[key]


class ResolvedBlueprint(Strict):
    """The requirements for one tier in one country, after `extends` and the overlay."""

    tier: Id
    country: BlueprintCountry
    chain: tuple[Id, ...] = Field(description="Blueprints applied, in order.")
    requirements: tuple[Requirement, ...]
    software: SoftwareSupport
    eservice_names: dict[str, str] = Field(default_factory=dict)
    control_names: dict[str, str] = Field(default_factory=dict)


class BlueprintLibrary(Strict):
    """Everything under `blueprints/`, validated: resolve a tier for a country from it.

    `resolve(tier, country).chain` names the blueprints applied, in order, e.g.
    ('base', 'small', 'medium', 'rs').
    """

    blueprints: dict[str, Blueprint]
    tiers: Tiers
    software: SoftwareSupport
    eservices: tuple[EService, ...] = ()
    controls: tuple[ControlDefinition, ...] = ()
    kpis: tuple[Kpi, ...] = ()

    def tier_of(self, population: int, pinned: str | None = None) -> Tier:
        """The pinned tier if any (validated at load), else the one the population falls in."""
        if pinned is not None:
            tier = self.tiers.get(pinned)
            if tier is None:
                raise KeyError(f"unknown tier '{pinned}'")
            return tier
        return self.tiers.for_population(population)

    def chain(self, blueprint_id: str) -> tuple[str, ...]:
        """Blueprint ids in application order: parents before children, each once."""
        order: list[str] = []

        def visit(bid: str, path: tuple[str, ...]) -> None:
            if bid in path:
                raise ValueError(f"'extends' forms a cycle: {' -> '.join((*path, bid))}")
            if bid in order:
                return
            for parent in self.blueprints[bid].blueprint.extends:
                visit(parent, (*path, bid))
            order.append(bid)

        visit(blueprint_id, ())
        return tuple(order)

    def resolve(self, tier_id: str, country: BlueprintCountry) -> ResolvedBlueprint:
        """The tier's blueprint with its parents, then the country's overlay (and its parents)."""
        tier = self.tiers.get(tier_id)
        if tier is None:
            raise KeyError(f"unknown tier '{tier_id}'")
        chain = list(self.chain(tier.blueprint))
        overlay = self.tiers.overlays.get(country)
        if overlay is not None:
            chain += [b for b in self.chain(overlay) if b not in chain]
        merged: dict[str, AnyRequirement] = {}
        for bid in chain:
            blueprint = self.blueprints[bid]
            for gone in blueprint.remove:
                merged.pop(gone, None)
            for requirement in blueprint.requirements:
                merged.pop(requirement.id, None)  # a replacement moves to its new place
                merged[requirement.id] = requirement
        return ResolvedBlueprint(
            tier=tier.id,
            country=country,
            chain=tuple(chain),
            requirements=tuple(merged.values()),
            software=self.software,
            eservice_names={e.id: e.name for e in self.eservices},
            control_names={c.id: c.name for c in self.controls},
        )

    def for_inventory(
        self, tier_id: str | None, population: int, country: BlueprintCountry
    ) -> ResolvedBlueprint:
        return self.resolve(self.tier_of(population, tier_id).id, country)
