"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lsg_infra import api
from lsg_infra.cli.output import Format

InventoryOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--inventory",
        "-i",
        help="Inventory file or folder (repeatable). Default: ./inventory.",
        envvar="LSG_INVENTORY",
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def inventory_paths(given: list[Path] | None) -> list[Path]:
    return list(given) if given else [api.DEFAULT_INVENTORY]
