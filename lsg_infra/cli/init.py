"""`lsg init DIR --lsg ID`: the start of an LSG's own repository (see lsg_infra/scaffold.py)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lsg_infra import api
from lsg_infra.cli import output


class Ci(StrEnum):
    github = "github"
    gitlab = "gitlab"
    none = "none"


def init(
    target: Annotated[Path, typer.Argument(help="Folder of the new repository.")] = Path("."),
    lsg: Annotated[
        str, typer.Option("--lsg", help="LSG id from the reference list, e.g. rs-kikinda.")
    ] = ...,  # type: ignore[assignment]  # required: typer's spelling of "no default"
    employees: Annotated[
        int, typer.Option("--employees", min=1, help="Administration staff of the LSG.")
    ] = ...,  # type: ignore[assignment]
    population: Annotated[
        int | None,
        typer.Option(
            "--population",
            min=100,
            help="Census population, when the reference list has none (or a newer one).",
        ),
    ] = None,
    ci: Annotated[Ci, typer.Option("--ci", help="CI template to add.")] = Ci.github,
) -> None:
    """Start an LSG's own repository: its inventory file, schema, CI template and README.

    Files that exist are never overwritten.
    """
    result = api.init_repository(
        target, lsg, employees=employees, population=population, ci=ci.value
    )
    for path in result.written:
        output.error(f"wrote {path}")
    for path in result.kept:
        output.error(f"kept {path} (exists)")
    output.error(f"next: edit {result.inventory}, then `lsg validate` in {target}")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
