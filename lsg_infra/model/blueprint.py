"""Blueprints: what an LSG of a given size and country should have.

A blueprint file (`blueprints/**.yaml`) holds a header (`blueprint:`) and a list
of requirements. Tier blueprints (small, medium, large, city) extend the common
base; a country overlay (RS, ME, MK) adds national platforms and law. Resolving
a tier for a country walks `extends` (parents first) and lets a later
requirement replace an earlier one with the same id, so a tier can tighten the
base's connectivity without repeating the rest.

Every requirement says why it exists (`rationale`), how urgent it is
(`priority`, `severity`), where it comes from (`references`, `kpis`) and what
closes it (`remedy`: catalogue items and a quantity rule, see `Remedy`). The kinds of
requirement are registered with their checks in `lsg_infra/gaps/kinds.py`; the
`Requirement` union here is built from that table.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Annotated, Literal

from pydantic import Field, PrivateAttr, model_validator

from lsg_infra.gaps.kinds import AnyRequirement, Requirement
from lsg_infra.model.requirement import Id, Strict, Text

BlueprintCountry = Literal["RS", "ME", "MK"]


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
    hypervisor: bool = Field(
        default=False,
        description="A virtualisation platform: a supported version is a host subscription, "
        "not a server operating-system licence.",
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
