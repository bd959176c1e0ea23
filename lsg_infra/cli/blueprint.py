"""`lsg blueprint ...`: show what a tier of LSG should have, after inheritance and overlays."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lsg_infra import api
from lsg_infra.cli import output
from lsg_infra.cli.main_options import FormatOpt
from lsg_infra.cli.output import Format
from lsg_infra.errors import UsageError
from lsg_infra.model.blueprint import (
    AnyRequirement,
    CapacityRequirement,
    ConnectivityRequirement,
    ControlRequirement,
    EquipmentRequirement,
    EServiceRequirement,
    SoftwareCategoryRequirement,
    SoftwareSupportRequirement,
    WebsiteRequirement,
)
from lsg_infra.model.inventory import Inventory

app = typer.Typer(help="Reference blueprints: what an LSG should have.", no_args_is_help=True)

BlueprintsOpt = Annotated[
    Path | None,
    typer.Option(
        "--blueprints",
        "-b",
        help="Blueprints folder. Default: ./blueprints, else lsg-infra's own.",
        envvar="LSG_BLUEPRINTS",
    ),
]


def required_root(given: Path | None) -> Path:
    """The blueprints folder: `given`, else ./blueprints, else lsg-infra's own."""
    return given if given is not None else api.default_blueprints()


def optional_root(given: Path | None) -> Path | None:
    """`required_root`, or None when that folder does not exist and none was given."""
    root = required_root(given)
    return root if given is not None or root.is_dir() else None


def tiers_by_lsg(inventories: list[Inventory], given: Path | None = None) -> dict[str, str]:
    """LSG id -> tier id, when blueprints are there to say (else empty: listings still work)."""
    root = optional_root(given)
    if root is None:
        return {}
    library = api.load_blueprints(root)
    return {
        inv.id: library.tier_of(inv.municipality.population, inv.municipality.tier).id
        for inv in inventories
        if inv.municipality.tier is None or library.tiers.get(inv.municipality.tier)
    }


def rule(req: AnyRequirement) -> str:
    """What the requirement asks for, in a few words."""
    if isinstance(req, EquipmentRequirement):
        parts = [f"{'/'.join(req.assets)}: {req.quantity.describe()}"]
        if req.roles:
            parts.append(f"role {'/'.join(req.roles)}")
        if req.max_age_years:
            parts.append(f"max {req.max_age_years} years old")
        if req.min_spec:
            spec = req.min_spec.model_dump(exclude_none=True)
            parts.append("min " + ", ".join(f"{k}={v}" for k, v in spec.items()))
        return "; ".join(parts)
    if isinstance(req, ConnectivityRequirement):
        text = f"at {'/'.join(req.sites)}"
        if req.min_down_mbps or req.min_up_mbps:
            text += f": {req.min_down_mbps or 0:g}/{req.min_up_mbps or 0:g} Mbit/s"
        if req.min_links > 1:
            text += f"; {req.min_links} links"
        return text
    if isinstance(req, SoftwareSupportRequirement):
        return "supported versions of " + "/".join([*req.assets, *req.categories])
    if isinstance(req, SoftwareCategoryRequirement):
        return f"{req.category} in use" + (" on every computer" if req.per_seat else "")
    if isinstance(req, EServiceRequirement):
        return f"uses {req.service}"
    if isinstance(req, ControlRequirement):
        return f"{req.control} in place" + (" with off-site copy" if req.offsite else "")
    if isinstance(req, WebsiteRequirement):
        parts = []
        if req.self_assessment_months:
            parts.append(f"self-assessment within {req.self_assessment_months} months")
        if req.accessibility_audit_months:
            parts.append(f"accessibility audit within {req.accessibility_audit_months} months")
        if req.accessibility_statement:
            parts.append("accessibility statement")
        if req.publications:
            parts.append("publishes " + "/".join(req.publications))
        return "website: " + "; ".join(parts)
    assert isinstance(req, CapacityRequirement)
    if req.metric == "trained-share":
        return f"{req.min_share} of employees trained"
    return f"1 IT staff per {req.employees_per_it_staff} employees (min {req.min_it_staff})"


@app.command("show")
def show(
    tier: Annotated[str, typer.Argument(help="Tier id: small, medium, large, city.")],
    country: Annotated[
        str, typer.Option("--country", "-c", help="Apply this country's overlay: RS, ME, MK.")
    ] = "RS",
    blueprints: BlueprintsOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The requirements of TIER in COUNTRY after `extends` and the country overlay."""
    library = api.load_blueprints(required_root(blueprints))
    code = country.upper()
    if code not in ("RS", "ME", "MK"):
        raise UsageError(f"unknown country '{country}'; expected RS, ME or MK")
    tiers = [t.id for t in library.tiers.tiers]
    if tier not in tiers:
        raise UsageError(f"unknown tier '{tier}'; expected one of: {', '.join(tiers)}")
    resolved = library.resolve(tier, code)  # type: ignore[arg-type]  # checked just above
    if fmt is Format.json:
        output.print_json(resolved.model_dump(mode="json", exclude={"software"}))
        return
    output.line(
        f"Tier {tier} in {code}: {' -> '.join(resolved.chain)}, "
        f"{len(resolved.requirements)} requirements"
    )
    output.print_table(
        None,
        ["id", "family", "severity", "prio", "requires", "remedy", "references"],
        (
            [
                r.id,
                r.family.value,
                r.severity.value,
                r.priority,
                rule(r),
                ", ".join(x.item for x in r.remedy),
                "; ".join([*r.kpis, *r.references]),
            ]
            for r in sorted(resolved.requirements, key=lambda r: (r.family.value, r.id))
        ),
        right=["prio"],
    )


@app.command("export")
def export(
    target: Annotated[Path, typer.Argument(help="Folder to write them into (e.g. ./blueprints).")],
) -> None:
    """Write lsg-infra's own blueprints and price catalogue into TARGET to edit them.

    Files already in TARGET are never overwritten. Point commands at the copy with
    -b TARGET (or LSG_BLUEPRINTS); ./blueprints is used without asking.
    """
    result = api.export_blueprints(target)
    for path in result.kept:
        output.error(f"kept {path} (exists)")
    output.error(f"wrote {len(result.written)} file(s) into {target}, kept {len(result.kept)}")
