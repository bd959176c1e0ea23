"""The library API: what the `lsg` command does, callable from a notebook or a program.

Every function here takes paths and plain values and returns records; none prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lsg_infra.errors import InputError
from lsg_infra.model.inventory import Inventory
from lsg_infra.sources import files

DEFAULT_INVENTORY = Path("inventory")
DEFAULT_BLUEPRINTS = Path("blueprints")


def load_inventories(
    paths: Sequence[Path] = (DEFAULT_INVENTORY,),
    only: Sequence[str] = (),
    progress: files.ProgressFn | None = None,
) -> list[Inventory]:
    """Every valid inventory under `paths` (sorted by id), or InputError listing all problems.

    >>> [inv.id for inv in load_inventories([Path("inventory/rs")])]  # doctest: +SKIP
    ['rs-beograd', 'rs-kikinda', ...]
    """
    result = files.load_inventories(paths, only=only, progress=progress)
    return files.require_valid(result)


def validate(
    inventory_paths: Sequence[Path] = (DEFAULT_INVENTORY,),
    progress: files.ProgressFn | None = None,
) -> files.LoadResult:
    """Validate inventories and return counts and problems (never raises for bad input)."""
    return files.load_inventories(inventory_paths, progress=progress)


__all__ = ["InputError", "load_inventories", "validate"]
