"""`lsg inventory ...`: list and show LSG inventories, import a register of fixed assets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lsg_infra import api
from lsg_infra.cli import output
from lsg_infra.cli.blueprint import tiers_by_lsg
from lsg_infra.cli.main_options import FormatOpt, InventoryOpt, RowsFormatOpt, inventory_paths
from lsg_infra.cli.output import Format
from lsg_infra.model.inventory import AssetKind

app = typer.Typer(
    help="List and show LSG inventories; import a register of fixed assets.", no_args_is_help=True
)


@app.command("list")
def list_(inventory: InventoryOpt = None, fmt: RowsFormatOpt = Format.table) -> None:
    """One line per LSG: country, population, tier, staff and asset counts."""
    inventories = api.load_inventories(inventory_paths(inventory))
    tiers = tiers_by_lsg(inventories)
    rows = [api.inventory_row(inv, tiers.get(inv.id)) for inv in inventories]
    if fmt is Format.json:
        output.print_json(rows)
        return
    columns = ["id", "name", "country", "population", "tier", "employees", "sites", "assets"]
    counted = [AssetKind.SERVER.value, AssetKind.WORKSTATION.value]
    table = [[r[c] for c in columns] + [r["by_kind"].get(k, 0) for k in counted] for r in rows]
    if fmt is Format.csv:
        output.print_csv([*columns, "servers", "workstations"], table)
        return
    output.print_table(
        f"{len(rows)} LSG(s)",
        [*columns, "servers", "workstations"],
        table,
        right=["population", "employees", "sites", "assets", "servers", "workstations"],
    )


@app.command("show")
def show(
    lsg: Annotated[str, typer.Argument(help="LSG id (rs-kikinda) or slug (kikinda).")],
    inventory: InventoryOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Everything recorded for one LSG."""
    [inv] = api.load_inventories(inventory_paths(inventory), only=[lsg])
    # Facts from `lsg discover` (a generated file beside the inventory) take the place
    # of written values that disagree; the differences are shown below.
    detail = api.inventory_detail(inv, tiers_by_lsg([inv]).get(inv.id))
    found = "discovered" in detail
    if fmt is Format.json:
        output.print_json(detail)
        return
    m = detail["municipality"]
    output.line(
        f"{m['name']} ({m.get('name_local') or ''}) {m['id']}, {m['country']}, "
        f"{m.get('district') or ''}: population {m['population']:,}, "
        f"{m['employees']} employees, {m['it_staff']} IT staff, "
        f"{m['trained_staff']} trained; tier {detail['tier'] or '-'}"
    )
    output.print_table(
        "Sites",
        ["id", "name", "roles", "server room"],
        ([s["id"], s["name"], ", ".join(s["roles"]), s["server_room"]] for s in detail["sites"]),
    )
    output.print_table(
        "Links",
        ["site", "kind", "provider", "down Mbit/s", "up Mbit/s", "redundant"],
        (
            [
                li["site"],
                li["kind"],
                li["provider"],
                li["down_mbps"],
                li["up_mbps"],
                li["redundant"],
            ]
            for li in detail["links"]
        ),
        right=["down Mbit/s", "up Mbit/s"],
    )
    output.print_table(
        "Assets",
        ["id", "kind", "site", "count", "purchased", "model", "os", "source"],
        (
            [
                a.get("id"),
                a["kind"],
                a["site"],
                a["count"],
                str(a["purchased"]) if a.get("purchased") else None,
                a.get("model"),
                " ".join(
                    filter(
                        None, [(a.get("os") or {}).get("name"), (a.get("os") or {}).get("version")]
                    )
                )
                or None,
                a["source"],
            ]
            for a in detail["assets"]
        ),
        right=["count", "purchased"],
    )
    if found:
        output.print_table(
            "Discovered (lsg discover)",
            ["asset", "when", "os", "kernel", "cores", "RAM GB", "free GB", "packages", "ports"],
            (
                [
                    h["asset"],
                    h["discovered_at"][:16].replace("T", " "),
                    h["os"],
                    h["kernel"],
                    h["cpu_cores"],
                    h["ram_gb"],
                    h["disk_free_gb"],
                    h["packages"],
                    " ".join(map(str, h["listening"])) or None,
                ]
                for h in detail["discovered"]
            ),
            right=["cores", "RAM GB", "free GB", "packages"],
        )
        for difference in detail["differences"]:
            output.line(f"differs: {difference['message']}")
    output.print_table(
        "Software",
        ["name", "category", "version"],
        ([s["name"], s["category"], s.get("version")] for s in detail["software"]),
    )
    output.line(f"eServices: {', '.join(detail['services']) or '-'}")
    output.line(
        "Controls: "
        + (
            ", ".join(
                f"{k}={'yes' if c['in_place'] else 'no'}" for k, c in detail["controls"].items()
            )
            or "-"
        )
    )


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The register: .xlsx or .csv (UTF-8, ; or ,).")],
    lsg: Annotated[str, typer.Option("--lsg", help="LSG id (rs-kikinda) or slug.")],
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="COLUMN=field for a column it does not know or reads wrongly (repeatable), "
            "e.g. 'Opis=name'; fields: inventory_number, name, type, manufacturer, model, "
            "serial, location, purchased, count, status, notes, value, ignore.",
        ),
    ] = None,
    site: Annotated[
        str | None,
        typer.Option("--site", help="Site id for rows whose location names no site."),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Sheet of a workbook. Default: the first.")
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace an earlier import's file (never a person's)."),
    ] = False,
    inventory: InventoryOpt = None,
) -> None:
    """Equipment from a register of fixed assets into <slug>.imported.yaml, to review."""
    paths = inventory_paths(inventory)
    size = api.register_size(file, sheet)
    with output.progress_bar("Importing", size) as advance:
        result = api.import_register(
            file,
            lsg,
            inventory=paths,
            mapping=mapping or [],
            site=site,
            sheet=sheet,
            force=force,
            progress=advance,
        )
    for problem in result.left_out:
        output.error(f"left out: {problem}")
    used = ", ".join(f"{title}={field}" for title, field in result.columns.items())
    where = f"sheet '{result.sheet}', " if result.sheet else ""
    output.error(f"header: {where}row {result.header_row}: {used}")
    if result.unused:
        output.error(f"columns not used: {', '.join(result.unused)}")
    left = len(result.left_out)
    if result.written is None:
        what = f"{result.rows} row(s), all left out" if result.rows else "no rows under the header"
        output.error(f"no asset imported: {what}; nothing written")
        raise typer.Exit(1)
    output.error(
        f"wrote {result.written}: {len(result.assets)} asset(s) from {result.rows} row(s), "
        f"{left} left out; review it and copy the lines you keep into the inventory file"
    )
