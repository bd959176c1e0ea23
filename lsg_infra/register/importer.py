"""`lsg inventory import`, wired: the LSG's inventory, the register's rows, the file.

One place that puts the edges (the inventory reader, the sheet reader, the writer)
around the pure mapping, as `pipeline.py` does for the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lsg_infra.errors import Problem, UsageError
from lsg_infra.layout import imported_path
from lsg_infra.model.inventory import Asset
from lsg_infra.readers import files, sheet
from lsg_infra.register import columns, rows, store
from lsg_infra.textsafe import quoted


@dataclass(frozen=True, slots=True)
class RegisterImport:
    """What one import did: the file written (None when no row made an asset), the
    assets in it, the rows left out and why, and the columns found."""

    written: Path | None
    assets: list[Asset]
    left_out: list[Problem]
    rows: int
    """Rows read under the header (empty ones not counted)."""
    sheet: str
    header_row: int
    columns: dict[str, str]
    """Header as written -> field, for the columns used."""
    unused: list[str]
    """Headers of the columns not used."""


def register_size(file: Path, sheet_name: str | None = None) -> int:
    """Rows the register says it has (a progress bar's length; 0 when it does not say)."""
    with sheet.open_sheet(file, files.display_path(file), sheet_name) as found:
        return found.size


def import_register(
    file: Path,
    lsg: str,
    *,
    inventory: Sequence[Path],
    mapping: Sequence[str] = (),
    site: str | None = None,
    sheet_name: str | None = None,
    force: bool = False,
    today: dt.date,
    progress: Callable[[], None] | None = None,
) -> RegisterImport:
    """Read `file`, map its rows to assets of LSG `lsg`, write them to `<slug>.imported.yaml`.

    SheetError for a file that is not a register (one line naming file and row),
    InputError for an invalid inventory file,
    UsageError for an option that cannot apply or an output file that must not be
    replaced. Rows that make no asset are in `left_out`, never an error.
    """
    overrides = columns.parse_mapping(mapping)
    [inv] = files.require_valid(files.load_inventories(list(inventory), only=[lsg]))
    source = inv.municipality.source
    if source is None:  # pragma: no cover - every loaded inventory has its file
        raise UsageError(f"{lsg}: the inventory file is not known")
    target = imported_path(Path(source.file))
    shown_target = files.display_path(target)
    store.check_target(target, shown_target, force=force)
    known = rows.known_of(inv)
    if site is not None and site not in known.sites:
        raise UsageError(
            f"--site {quoted(site)}: {inv.id} has no such site; expected one of: "
            + ", ".join(known.sites)
        )
    shown = files.display_path(file)
    with sheet.open_sheet(file, shown, sheet_name) as found:
        header, rest = columns.find_header(found.rows, shown, overrides)
        if "location" not in header.fields.values() and site is None and len(known.sites) > 1:
            raise UsageError(
                f"{shown}: no location column, and {inv.id} has {len(known.sites)} sites "
                f"({', '.join(known.sites)}); pass --site ID (or --map COLUMN=location)"
            )
        mapper = rows.RowMapper(header, shown, known, site=site, this_year=today.year)
        mapped = mapper.map_all(rest, progress)
        sheet_title = found.name
    written = None
    if mapped.assets:
        label = f"{file.name}, sheet {quoted(sheet_title)}" if sheet_title else file.name
        text = store.imported_yaml(mapped.assets, inventory_file=source.file, source=label)
        store.write_imported(target, shown_target, text, force=force)
        written = target
    return RegisterImport(
        written=written,
        assets=mapped.assets,
        left_out=mapped.left_out,
        rows=mapped.rows,
        sheet=sheet_title,
        header_row=header.row,
        columns={header.titles[i]: f for i, f in header.fields.items()},
        unused=header.unused,
    )
