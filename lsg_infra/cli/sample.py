"""`lsg sample ...`: synthetic inventories for tests and benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lsg_infra.cli import output
from lsg_infra.errors import UsageError

app = typer.Typer(help="Synthetic inventories for tests and benchmarks.", no_args_is_help=True)


@app.command("generate")
def generate(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write <country>/<slug>.yaml into.")
    ],
    lsgs: Annotated[int, typer.Option("--lsgs", min=1, max=100_000, help="How many LSGs.")] = 250,
    assets_per_lsg: Annotated[
        int, typer.Option("--assets-per-lsg", min=1, max=100_000, help="Asset records per LSG.")
    ] = 400,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same bytes.")] = 1,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a folder that is not empty.")
    ] = False,
) -> None:
    """Write a synthetic national-scale inventory tree (real LSG names, random assets)."""
    from lsg_infra.sample import generate as generate_files
    from lsg_infra.sinks import write_text_atomic

    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise UsageError(f"{out} is not empty; choose an empty folder or pass --force")
    with output.progress_bar("Generating", lsgs) as advance:
        for relative, text in generate_files(lsgs, assets_per_lsg, seed):
            write_text_atomic(out / relative, text)
            advance()
    output.error(f"wrote {lsgs} inventories with {lsgs * assets_per_lsg:,} assets to {out}")
