"""The inventory of one local self-government (LSG): what it has today.

One YAML file per LSG (`inventory/<country>/<slug>.yaml`) validates into one
`Inventory`. Records are immutable once loaded; every record keeps the file and
line it came from (`source`) so that errors and reports can point at it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

THIS_YEAR = dt.date.today().year

Country = Literal["RS", "ME", "MK"]
COUNTRY_NAMES: dict[str, str] = {"RS": "Serbia", "ME": "Montenegro", "MK": "North Macedonia"}


def _number_as_text(value: Any) -> Any:
    # People write `version: 10` or `version: 2019`; YAML reads a number, we mean text.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


Slug = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", min_length=1, max_length=64)
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
VersionText = Annotated[
    str,
    BeforeValidator(_number_as_text),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
]
Year = Annotated[int, Field(ge=1980, le=THIS_YEAR + 1)]
Mbps = Annotated[float, Field(ge=0, le=100_000)]


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a record was written: file and line (line 0 when not from a file)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class Record(BaseModel):
    """Base of every inventory record: strict keys, immutable, knows its source."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    # Where the record was written lives in pydantic's private-state slot, set by
    # `set_source`. It is not declared as a PrivateAttr on purpose: a declared one
    # makes pydantic run a Python hook for every record it builds, which doubled
    # the validation time of 100,000 assets. Equality, copies and pickling carry
    # the slot all the same.

    @property
    def source(self) -> SourceRef | None:
        private = self.__pydantic_private__
        return private.get(_SOURCE) if private else None


_SOURCE = "source"


def set_source(record: Record, source: SourceRef | None) -> None:
    """Note where `record` was written (the one place records are changed after validation)."""
    private = record.__pydantic_private__
    if private is None:
        # frozen models refuse attribute assignment; this slot is pydantic's own state
        object.__setattr__(record, "__pydantic_private__", {_SOURCE: source})
    else:
        private[_SOURCE] = source


class SiteRole(StrEnum):
    HEADQUARTERS = "headquarters"
    SERVICE_CENTRE = "service-centre"
    BRANCH_OFFICE = "branch-office"
    LOCAL_OFFICE = "local-office"
    DATA_CENTRE = "data-centre"
    ARCHIVE = "archive"
    LIBRARY = "library"
    PUBLIC_SPACE = "public-space"


class LinkKind(StrEnum):
    FIBER = "fiber"
    DSL = "dsl"
    CABLE = "cable"
    RADIO = "radio"
    MOBILE = "mobile"
    SATELLITE = "satellite"
    LEASED_LINE = "leased-line"
    GOVNET = "govnet"


class AssetKind(StrEnum):
    SERVER = "server"
    VIRTUAL_MACHINE = "virtual-machine"
    WORKSTATION = "workstation"
    LAPTOP = "laptop"
    PRINTER = "printer"
    SCANNER = "scanner"
    SWITCH = "switch"
    ROUTER = "router"
    FIREWALL = "firewall"
    ACCESS_POINT = "access-point"
    UPS = "ups"
    STORAGE = "storage"


ServerRole = Literal[
    "virtualisation",
    "web",
    "website",
    "database",
    "backup",
    "file",
    "dms",
    "mail",
    "directory",
    "monitoring",
    "application",
]

SoftwareCategory = Literal[
    "office",
    "anti-malware",
    "backup",
    "dms",
    "cms",
    "database",
    "email",
    "accounting",
    "gis",
    "registry",
    "hypervisor",
    "directory",
    "monitoring",
    "other",
]


class Municipality(Record):
    """The LSG itself: who it is, how big, how many staff and how skilled."""

    id: Annotated[str, StringConstraints(pattern=r"^(rs|me|mk)-[a-z0-9][a-z0-9-]*$")] = Field(
        description="Country code and slug, e.g. rs-kikinda; must match the file name."
    )
    name: Text = Field(description="Name in Latin script, e.g. Kikinda.")
    name_local: Text | None = Field(default=None, description="Name in local script, e.g. Кикинда.")
    country: Country
    type: Literal["municipality", "city", "city-municipality", "capital"] = "municipality"
    district: Text | None = Field(default=None, description="District (RS) or region (ME, MK).")
    population: Annotated[int, Field(ge=100, le=5_000_000)] = Field(
        description="Census population; drives the blueprint tier."
    )
    census_year: Annotated[int, Field(ge=1990, le=THIS_YEAR)] | None = None
    employees: Annotated[int, Field(ge=1, le=50_000)] = Field(
        description="Administration staff (the LSG's own employees)."
    )
    it_staff: Annotated[int, Field(ge=0, le=5_000)] = 0
    trained_staff: Annotated[int, Field(ge=0, le=50_000)] = Field(
        default=0, description="Staff who completed digital-skills training."
    )
    tier: Slug | None = Field(
        default=None, description="Pin the blueprint tier instead of deriving it from population."
    )
    website: Annotated[str, StringConstraints(max_length=200)] | None = None
    annual_it_budget_eur: Annotated[float, Field(ge=0, le=1e9)] | None = Field(
        default=None,
        description="The LSG's yearly IT budget in EUR (all IT spending of a normal year); "
        "the plan shows its average yearly cost as a share of it.",
    )
    contact: Text | None = None

    @model_validator(mode="after")
    def _staff_fit(self) -> Municipality:
        if self.trained_staff > self.employees:
            raise ValueError(
                f"trained_staff ({self.trained_staff}) exceeds employees ({self.employees})"
            )
        if self.it_staff > self.employees:
            raise ValueError(f"it_staff ({self.it_staff}) exceeds employees ({self.employees})")
        return self


class Site(Record):
    """A building where the LSG works: city hall, service centre, local office."""

    id: Slug
    name: Text
    roles: list[SiteRole] = Field(default_factory=list)
    server_room: bool = False
    address: Text | None = None
    employees: Annotated[int, Field(ge=0, le=50_000)] | None = Field(
        default=None, description="Staff working at this site, if known."
    )
    public_wifi: bool = False


class Link(Record):
    """An internet (or government network) link at a site."""

    id: Slug | None = None
    site: Slug
    kind: LinkKind
    provider: Text
    down_mbps: Mbps
    up_mbps: Mbps
    redundant: bool = Field(default=False, description="This link is the backup of another.")
    monthly_cost_eur: Annotated[float, Field(ge=0, le=1e6)] | None = Field(
        default=None,
        description="What the link costs a month (EUR, excl. VAT); a faster contract that "
        "replaces it is costed at the difference.",
    )
    contract_until: dt.date | None = None


class OperatingSystem(Record):
    name: Text
    version: VersionText | None = None
    edition: Text | None = None


class Management(Record):
    """How to reach a device for discovery and provisioning (never a password)."""

    host: Annotated[str, StringConstraints(min_length=1, max_length=253, pattern=r"^[^\s/]+$")]
    port: Annotated[int, Field(ge=1, le=65535)] = 22
    user: Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_.-]*$", max_length=32)] = "root"


class Asset(Record):
    """A piece of equipment, or several identical ones counted in one record."""

    id: Slug | None = None
    kind: AssetKind
    site: Slug
    count: Annotated[int, Field(ge=1, le=100_000)] = 1
    manufacturer: Text | None = None
    model: Text | None = None
    purchased: Year | None = Field(default=None, description="Year of purchase.")
    cpu_cores: Annotated[int, Field(ge=1, le=1024)] | None = None
    ram_gb: Annotated[float, Field(gt=0, le=65_536)] | None = None
    storage_tb: Annotated[float, Field(ge=0, le=100_000)] | None = None
    ports: Annotated[int, Field(ge=1, le=1024)] | None = Field(
        default=None, description="Switch ports."
    )
    capacity_va: Annotated[int, Field(ge=100, le=1_000_000)] | None = Field(
        default=None, description="UPS capacity."
    )
    os: OperatingSystem | None = None
    roles: list[ServerRole] = Field(default_factory=list, description="Server roles.")
    host: Slug | None = Field(default=None, description="For a virtual machine: its server's id.")
    manage: Management | None = None
    public: bool = Field(default=False, description="Reachable from the internet.")
    warranty_until: dt.date | None = None
    serial: Text | None = None
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Asset:
        if self.manage is not None and self.count > 1:
            raise ValueError("an asset with a management address must have count 1")
        if self.host is not None and self.kind is not AssetKind.VIRTUAL_MACHINE:
            raise ValueError("only a virtual-machine has a 'host'")
        if self.roles and self.kind not in (AssetKind.SERVER, AssetKind.VIRTUAL_MACHINE):
            raise ValueError("only servers and virtual machines have 'roles'")
        return self

    def age(self, year: int) -> int | None:
        return None if self.purchased is None else max(0, year - self.purchased)


class Software(Record):
    """A product in use: category, name and version (licences if counted)."""

    id: Slug | None = None
    name: Text
    category: SoftwareCategory
    version: VersionText | None = None
    vendor: Text | None = None
    licences: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    installed_on: Slug | None = Field(default=None, description="Asset id it runs on, if one.")


class Control(Record):
    """A security or organisational control, e.g. backup, security act, incident response."""

    in_place: bool = True
    offsite: bool | None = Field(default=None, description="For backup: an off-site copy exists.")
    tested: dt.date | None = Field(default=None, description="Last tested or reviewed.")
    document: Text | None = None
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None


class Website(Record):
    """What the LSG's website publishes and when it was last checked.

    Serbia's decree on web presentations of bodies (Sl. glasnik RS 104/2018) asks
    every body for an annual self-assessment of its website; accessibility is
    audited against WCAG 2.1 AA / EN 301 549. Dates are of the last one done.
    """

    url: Annotated[str, StringConstraints(max_length=200)] | None = None
    self_assessment: dt.date | None = Field(
        default=None, description="Last self-assessment under the web presentation rules."
    )
    accessibility_audit: dt.date | None = Field(
        default=None, description="Last accessibility audit (WCAG 2.1 AA / EN 301 549)."
    )
    accessibility_statement: bool = Field(
        default=False, description="An accessibility statement is published on the site."
    )
    publications: list[Slug] = Field(
        default_factory=list,
        description="What the site publishes, e.g. information-booklet, budget, privacy-notice.",
    )


class OffsiteBackup(Record):
    """A second repository for every server's backups, away from the LSG's servers:
    another LSG's backup server (restic REST server) or object storage (S3).

    Each server copies its snapshots to `<repository>/<server name>` on its own
    schedule. Secrets never live here: the account's password (REST) or secret key
    (S3) and the off-site repository's own password come from the controller's
    secrets (see playbooks/README.md).
    """

    repository: Annotated[
        str,
        StringConstraints(
            max_length=300, pattern=r"^(rest:https://[^/@\s]+(/[^@\s]*)?|s3:[^@\s]+)$"
        ),
    ] = Field(
        description="restic repository URL without credentials: rest:https://HOST:PORT/ACCOUNT "
        "(TLS only) or s3:HOST/BUCKET[/PREFIX]."
    )
    user: (
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9@._-]+$", max_length=128)] | None
    ) = Field(
        default=None,
        description="The off-site account: REST user name (default: the LSG id) or S3 "
        "access key id (required for s3:).",
    )
    ca_certificate: Annotated[str, StringConstraints(max_length=20_000)] | None = Field(
        default=None,
        description="PEM certificate of the CA that signed the off-site server's TLS "
        "certificate, when not a public one (e.g. the other LSG's internal CA).",
    )
    on_calendar: (
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9 *:,./~-]+$", max_length=64)] | None
    ) = Field(default=None, description="systemd calendar of the copy; default 04:30 daily.")

    @model_validator(mode="after")
    def _consistent(self) -> OffsiteBackup:
        if self.repository.startswith("s3:") and self.user is None:
            raise ValueError("an s3: off-site repository needs 'user' (the access key id)")
        pem = self.ca_certificate
        if pem is not None and not (
            pem.strip().startswith("-----BEGIN CERTIFICATE-----")
            and pem.strip().endswith("-----END CERTIFICATE-----")
        ):
            raise ValueError(
                "ca_certificate must be one PEM certificate (-----BEGIN CERTIFICATE-----)"
            )
        return self


class Backup(Record):
    """How the LSG's servers are backed up beyond its own backup servers."""

    offsite: OffsiteBackup | None = Field(
        default=None, description="The off-site copy of every server's backups."
    )


def _control_shorthand(value: Any) -> Any:
    # `firewall: true` is the common case; a mapping gives the details.
    if isinstance(value, dict):
        return {
            k: (
                v
                if not isinstance(v, bool | dict)
                else ({"in_place": v} if isinstance(v, bool) else v)
            )
            for k, v in value.items()
        }
    return value


class Inventory(Record):
    """One LSG's inventory file, validated."""

    schema_version: Literal[1] = Field(default=1, alias="schema")
    municipality: Municipality
    sites: list[Site] = Field(min_length=1)
    links: list[Link] = Field(default_factory=list)
    assets: list[Asset] = Field(default_factory=list)
    software: list[Software] = Field(default_factory=list)
    services: list[Slug] = Field(
        default_factory=list, description="eService ids from the eServices catalogue."
    )
    controls: Annotated[dict[Slug, Control], BeforeValidator(_control_shorthand)] = Field(
        default_factory=dict,
        description="Security, organisational and data-protection controls by id "
        "(blueprints/controls.yaml), e.g. backup, security-act, dpo, records-of-processing, "
        "dpia, data-breach-procedure, privacy-notice; `tested` is the last review.",
    )
    website: Website | None = Field(
        default=None, description="The website's self-assessment, accessibility and publications."
    )
    backup: Backup | None = Field(
        default=None,
        description="Provisioned backups: the off-site copy target (the servers' own "
        "repositories are on the LSG's servers with the role backup).",
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("services")
    @classmethod
    def _unique_services(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for s in value:
            if s in seen:
                raise ValueError(f"service '{s}' is listed twice")
            seen.add(s)
        return value

    @property
    def id(self) -> str:
        return self.municipality.id

    def asset_count(self, kind: AssetKind | None = None) -> int:
        return sum(a.count for a in self.assets if kind is None or a.kind is kind)

    def site_ids(self) -> set[str]:
        return {s.id for s in self.sites}
