"""The price catalogue: what can be bought to close a gap, and at what indicative price.

Prices are indicative, in EUR excluding VAT, with the year they were set; they are
meant to be replaced by framework-agreement prices. A user's own catalogue file
overrides items by id (`Catalogue.merged`).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints

ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
CpvCode = Annotated[str, StringConstraints(pattern=r"^\d{8}-\d$")]


class Billing(StrEnum):
    ONE_OFF = "one-off"  # CAPEX: bought once, lasts `lifetime_years`
    MONTHLY = "monthly"  # OPEX: connectivity, cloud services
    YEARLY = "yearly"  # OPEX: licences, support contracts, training per year

    @property
    def periods_per_year(self) -> int:
        """Billing periods in a year: a line's net = quantity x unit price x this, once.

        A remedy's quantity counts what is bought (one subscription, not twelve
        months of it); this turns a monthly price into a yearly amount.
        """
        return 12 if self is Billing.MONTHLY else 1

    @property
    def per(self) -> str:
        """'/month', '/year' or '' after a unit price."""
        return {"monthly": "/month", "yearly": "/year"}.get(self.value, "")


class TaxClass(StrEnum):
    """What an item is for VAT purposes; `countries.yaml` gives each class its rate.

    The classes follow the North Macedonian Law on VAT, the only one of the three
    countries whose rates differ between them (5 % for automatic data-processing
    machines, their units and software; 18 % for everything else).
    """

    DATA_PROCESSING_EQUIPMENT = "data-processing-equipment"  # computers, servers, storage units
    SOFTWARE = "software"  # licences and subscriptions to software
    GOODS = "goods"  # other goods: printers, monitors, network equipment, UPS, batteries
    SERVICES = "services"  # design, implementation, consultancy, training, hosting, links


class CatalogueItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: ItemId
    description: str = Field(min_length=1, max_length=300)
    description_local: str | None = Field(default=None, max_length=300)
    unit: str = Field(min_length=1, max_length=40, description="piece, licence, Mbit/s, day...")
    cpv: CpvCode = Field(description="CPV code, e.g. 30213000-5 (personal computers).")
    unit_price_eur: Annotated[Decimal, Field(ge=0, le=10_000_000, decimal_places=2)]
    price_year: Annotated[int, Field(ge=2015, le=2100)]
    billing: Billing = Billing.ONE_OFF
    lifetime_years: Annotated[int, Field(ge=1, le=30)] = Field(
        default=5, description="For one-off items: replaced after this many years (TCO)."
    )
    category: str = Field(default="hardware", max_length=40, description="Report grouping.")
    tax_class: TaxClass = Field(
        description="What the item is for VAT: data-processing-equipment, software, goods "
        "or services (countries.yaml gives each its rate)."
    )
    includes_os: bool = Field(
        default=False,
        description="Comes with a supported operating system (a desktop PC with Windows "
        "11): a device it replaces needs no OS upgrade.",
    )
    once_per_lsg: bool = Field(
        default=False,
        description="Bought once per LSG whichever gaps ask for it (user CALs cover a user "
        "for every server): the plan buys the largest quantity asked, not the sum.",
    )
    notes: str | None = Field(default=None, max_length=1000)


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    disclaimer: str = Field(
        default="Indicative prices; replace them with framework-agreement prices.",
        max_length=1000,
    )
    currency: str = Field(default="EUR", pattern=r"^EUR$")
    items: tuple[CatalogueItem, ...]
    _by_id: dict[str, CatalogueItem] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: object, /) -> None:
        self._by_id = {item.id: item for item in self.items}

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._by_id

    def item(self, item_id: str) -> CatalogueItem:
        return self._by_id[item_id]

    def merged(self, override: Catalogue) -> Catalogue:
        """This catalogue with `override`'s items replacing ours by id (new ids are added)."""
        replaced = {item.id: item for item in override.items}
        kept = [replaced.pop(item.id, item) for item in self.items]
        return Catalogue(disclaimer=override.disclaimer, items=(*kept, *replaced.values()))
