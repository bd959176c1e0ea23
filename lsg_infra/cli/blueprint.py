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
from lsg_infra.model.inventory import Inventory
from lsg_infra.model.requirement import RequirementBase

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


def rule(req: RequirementBase) -> str:
    """What the requirement asks for, in a few words (each kind says it: `rule()`)."""
    return req.rule()


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
