"""`lsg sample ...`: synthetic inventories for tests and benchmarks."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from lsg_infra import api
from lsg_infra.cli import output
from lsg_infra.errors import UsageError
from lsg_infra.textsafe import printable

app = typer.Typer(help="Synthetic inventories for tests and benchmarks.", no_args_is_help=True)


MAX_LSGS = 2_000
MAX_ASSETS_PER_LSG = 10_000
MAX_ASSETS = 1_000_000
"""Ten times the national scale (250 LSGs, 100,000 assets): about 150 MB of YAML."""

BYTES_PER_ASSET = 200
"""A generated asset record takes about 150 bytes; this estimate errs on the safe side."""

GENERATED_MARK = "# SYNTHETIC inventory from `lsg sample generate`"
"""First line of every file `sample generate` writes; --force replaces only such files."""


@app.command("generate")
def generate(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write <country>/<slug>.yaml into.")
    ],
    lsgs: Annotated[int, typer.Option("--lsgs", min=1, max=MAX_LSGS, help="How many LSGs.")] = 250,
    assets_per_lsg: Annotated[
        int,
        typer.Option(
            "--assets-per-lsg", min=1, max=MAX_ASSETS_PER_LSG, help="Asset records per LSG."
        ),
    ] = 400,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same bytes.")] = 1,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write into a folder that is not empty (replacing only files it generated).",
        ),
    ] = False,
) -> None:
    """Write a synthetic national-scale inventory tree (real LSG names, random assets)."""
    if lsgs * assets_per_lsg > MAX_ASSETS:
        raise UsageError(
            f"--lsgs {lsgs} x --assets-per-lsg {assets_per_lsg} = {lsgs * assets_per_lsg:,} "
            f"assets; expected at most {MAX_ASSETS:,}"
        )
    if out.exists() and not out.is_dir():
        raise UsageError(f"{printable(str(out))} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise UsageError(
                f"{printable(str(out))} is not empty; choose an empty folder or pass --force"
            )
        written_by_people = [p for p in _yaml_files(out) if not _generated(p)]
        if written_by_people:
            raise UsageError(
                f"{printable(str(written_by_people[0]))} was not written by `lsg sample "
                "generate`; --force replaces only generated files, so choose another folder"
            )
    _check_space(out, lsgs * assets_per_lsg * BYTES_PER_ASSET)
    with output.progress_bar("Generating", lsgs) as advance:
        api.generate_sample(out, lsgs, assets_per_lsg, seed, progress=advance)
    output.error(f"wrote {lsgs} inventories with {lsgs * assets_per_lsg:,} assets to {out}")


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml"))


def _generated(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    try:
        with path.open("rb") as fh:
            return fh.read(len(GENERATED_MARK)) == GENERATED_MARK.encode()
    except OSError:
        return False


def _check_space(out: Path, needed: int) -> None:
    """UsageError when the disk holding `out` has less free space than the files need."""
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    if needed > free:
        raise UsageError(
            f"the files need about {needed / 1e6:,.0f} MB and {printable(str(existing))} "
            f"has {free / 1e6:,.0f} MB free; ask for fewer LSGs or assets"
        )
