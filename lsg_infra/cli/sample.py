"""`lsg sample ...`: synthetic inventories for tests and benchmarks."""

from __future__ import annotations

import typer

app = typer.Typer(help="Synthetic inventories for tests and benchmarks.", no_args_is_help=True)
