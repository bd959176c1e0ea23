"""`lsg plan`: validate -> gaps -> costing -> outputs.

Until costing lands, the plan validates the inventories and summarises them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lsg_infra import api
from lsg_infra.cli import output
from lsg_infra.cli.main_options import InventoryOpt, inventory_paths
from lsg_infra.summary import inventory_row


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)


def plan(
    lsgs: Annotated[list[str] | None, typer.Argument(help="LSG ids or slugs; default all.")] = None,
    inventory: InventoryOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("out"),
) -> None:
    """Build the investment plan for the given LSGs (all by default)."""
    inventories = api.load_inventories(inventory_paths(inventory), only=lsgs or [])
    rows = [inventory_row(inv) for inv in inventories]
    output.print_table(
        f"{len(rows)} LSG(s)",
        ["id", "name", "country", "population", "employees", "assets"],
        (
            [r["id"], r["name"], r["country"], r["population"], r["employees"], r["assets"]]
            for r in rows
        ),
        right=["population", "employees", "assets"],
    )
