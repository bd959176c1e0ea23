"""Inventories from YAML files: `inventory/<country>/<slug>.yaml`, one LSG each.

`load_inventories` reads every file, validates each into an `Inventory`, checks
what one record says about another (site references, duplicate ids), and raises
one `InputError` carrying every problem in every file, each with file and line.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import stat
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lsg_infra.errors import InputError, Problem, UsageError

# Re-exported as before #16 (discovery/ and netbox/ import them from here).
from lsg_infra.layout import COUNTRY_DIRS, IMPORTED_SUFFIX
from lsg_infra.layout import GENERATED_SUFFIX as GENERATED_SUFFIX
from lsg_infra.layout import PULLED_SUFFIX as PULLED_SUFFIX
from lsg_infra.model.inventory import AssetKind, Inventory, SourceRef, set_source
from lsg_infra.readers import yamlfile
from lsg_infra.readers.messages import describe, did_you_mean
from lsg_infra.readers.yamlfile import Document, YamlProblem, format_path
from lsg_infra.textsafe import forbidden_character, printable, quoted

RECORD_LISTS = ("sites", "links", "assets", "software")
ProgressFn = Callable[[Path], None]


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working directory if inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return str(path.absolute()) if relative.startswith("..") else relative


def inventory_files(paths: Iterable[Path]) -> list[Path]:
    """Every inventory file under the given files or folders, sorted, without duplicates."""
    return list(_listed(paths))


def _listed(paths: Iterable[Path]) -> dict[Path, str | None]:
    """Inventory files as found (links not followed) -> why each is refused, or None."""
    found: dict[Path, str | None] = {}
    targets: set[Path] = set()
    for root in paths:
        if not root.exists() and not root.is_symlink():
            raise InputError([Problem(display_path(root), 0, "", "no such file or folder")])
        if root.is_dir():
            try:
                os.scandir(root).close()  # rglob would skip a folder it cannot read, silently
            except OSError as exc:
                raise InputError(
                    [Problem(display_path(root), 0, "", f"cannot read: {exc.strerror}")]
                ) from None
        folder = (root if root.is_dir() else root.parent).resolve()
        for path in yamlfile.iter_yaml_files(root):
            if path.name.endswith((GENERATED_SUFFIX, PULLED_SUFFIX, IMPORTED_SUFFIX)):
                continue
            try:
                target = path.resolve()
            except (OSError, RuntimeError):  # a link that points at itself (RuntimeError in 3.11)
                found[path.absolute()] = "is a link that leads to itself; expected a regular file"
                continue
            if target in targets:
                continue  # the same file given twice (a folder and a file in it)
            targets.add(target)
            found[path.absolute()] = _refusal(path, target, folder)
    return dict(sorted(found.items(), key=lambda item: str(item[0])))


def _refusal(path: Path, target: Path, folder: Path) -> str | None:
    """Why `path` is not read as an inventory: not a regular file inside `folder`.

    A link to ~/.config/lsg-infra/netbox.toml or /etc/shadow must not be read: errors
    about it would print its first line (a token) into a CI log. Nothing of the file
    is read or shown, only its name.
    """
    if path.is_symlink() and not target.is_relative_to(folder):
        return "is a link to a file outside the inventory folder; expected a regular file"
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    if not stat.S_ISREG(mode):
        return "is not a regular file; expected a YAML file"
    return None


@dataclass
class LoadResult:
    inventories: list[Inventory] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    warnings: list[Problem] = field(default_factory=list)
    """Worth a look but not wrong, e.g. a population far from the census figure."""


def read_document(path: Path) -> Document | list[Problem]:
    """The file's YAML as plain data with lines, or its problems (safe to run in a worker)."""
    shown = display_path(path)
    try:
        return yamlfile.load(path, shown)
    except YamlProblem as exc:
        return [Problem(shown, exc.line, exc.where, exc.message)]
    except OSError as exc:
        return [Problem(shown, 0, "", f"cannot read: {exc.strerror}")]


def load_inventory_file(
    path: Path, document: Document | list[Problem] | None = None
) -> tuple[Inventory | None, list[Problem]]:
    """One file into one Inventory, or the list of its problems.

    `document` is the file already read by `read_document` (in a worker process).
    """
    shown = display_path(path)
    doc = read_document(path) if document is None else document
    if isinstance(doc, list):
        return None, doc
    text_problems = check_text(doc, shown)
    if text_problems:
        return None, text_problems
    if not isinstance(doc.data, dict):
        return None, [
            Problem(
                shown,
                doc.lines.get((), 1),
                "",
                f"expected a mapping with 'municipality', 'sites', ...; got {_kind_of(doc.data)}",
            )
        ]
    try:
        inventory = Inventory.model_validate(doc.data)
    except ValidationError as exc:
        yamlfile.reload_nodes(doc)
        problems = []
        invalid: set[tuple[str | int, ...]] = set()
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            invalid.add(loc)
            problems.append(
                Problem(shown, doc.line_of(loc), format_path(loc), describe(error, Inventory))
            )
        # reference checks work on the plain data, so they run even when the schema failed
        problems += check_references(doc, shown, skip=invalid)
        return None, problems
    _attach_sources(inventory, doc, shown)
    problems = check_references(doc, shown) + _check_file_name(inventory, path, doc, shown)
    return (inventory if not problems else None), problems


def _kind_of(value: object) -> str:
    # only the kind: the text of a file that is not an inventory may be a token
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "something else"


def check_text(doc: Document, shown: str) -> list[Problem]:
    """Control characters anywhere in the file's keys and text values (one problem each).

    They pass YAML (as "\\e" or "\\x1b" in quotes) and then reach terminals, CSV cells
    and spreadsheets, which refuse them: `lsg plan` stopped half way through its outputs.
    """
    problems: list[Problem] = []

    def visit(value: object, path: tuple[str | int, ...]) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                bad = forbidden_character(key) if isinstance(key, str) else None
                if bad is not None:
                    problems.append(_control_problem(doc, shown, (*path, key), bad, "key"))
                visit(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                visit(item, (*path, i))
        elif isinstance(value, str):
            bad = forbidden_character(value)
            if bad is not None:
                problems.append(_control_problem(doc, shown, path, bad, "text"))

    visit(doc.data, ())
    return problems


def _control_problem(
    doc: Document, shown: str, path: tuple[str | int, ...], bad: str, what: str
) -> Problem:
    yamlfile.reload_nodes(doc)
    return Problem(
        shown,
        doc.line_of(path),
        format_path(path),
        f"{what} holds the control character {bad}; expected plain text "
        "(letters, digits, punctuation, spaces, tabs and line breaks)",
    )


def _attach_sources(inventory: Inventory, doc: Document, shown: str) -> None:
    lines = doc.lines
    set_source(inventory, SourceRef(shown, 1))
    set_source(inventory.municipality, SourceRef(shown, lines.get(("municipality",), 1)))
    for name in RECORD_LISTS:
        for i, record in enumerate(getattr(inventory, name)):
            set_source(record, SourceRef(shown, lines.get((name, i), 0)))
            os_ = getattr(record, "os", None)
            if os_ is not None:
                set_source(os_, SourceRef(shown, lines.get((name, i, "os"), 0)))
    controls_line = lines.get(("controls",), 0)
    for key, control in inventory.controls.items():
        set_source(control, SourceRef(shown, lines.get(("controls", key), controls_line)))
    if inventory.website is not None:
        set_source(inventory.website, SourceRef(shown, lines.get(("website",), 0)))


def check_references(
    doc: Document, shown: str, skip: Collection[tuple[str | int, ...]] = ()
) -> list[Problem]:
    """Duplicate ids and references to sites and assets that do not exist.

    Works on the plain data read from the file (not the validated model) so that it
    also runs on a file with schema errors; values of the wrong type are left to the
    schema check, and so are the locations in `skip` (those it already reported).
    """
    problems: list[Problem] = []
    data = doc.data if isinstance(doc.data, dict) else {}

    def records(name: str) -> list[tuple[int, dict[str, Any]]]:
        items = data.get(name)
        if not isinstance(items, list):
            return []
        return [(i, r) for i, r in enumerate(items) if isinstance(r, dict)]

    def text(record: dict[str, Any], key: str) -> str | None:
        value = record.get(key)
        return value.strip() if isinstance(value, str) else None

    def problem(path: tuple[str | int, ...], message: str) -> None:
        if path in skip:
            return
        yamlfile.reload_nodes(doc)
        problems.append(Problem(shown, doc.line_of(path), format_path(path), message))

    for name in RECORD_LISTS:
        first: dict[str, int] = {}
        for i, record in records(name):
            rid = text(record, "id")
            if rid is None:
                continue
            if rid in first:
                line = doc.lines.get((name, first[rid]), 0)
                problem((name, i, "id"), f"duplicate id {quoted(rid)} (first used at line {line})")
            else:
                first[rid] = i
    sites = {sid for _, r in records("sites") if (sid := text(r, "id")) is not None}
    assets = {aid: r for _, r in records("assets") if (aid := text(r, "id")) is not None}
    asset_kinds = {aid: r.get("kind") for aid, r in assets.items()}
    if sites:  # no sites at all is a schema error already ("expected at least 1 item")
        for name in ("links", "assets"):
            for i, record in records(name):
                site = text(record, "site")
                if site is not None and site not in sites:
                    problem(
                        (name, i, "site"),
                        f"unknown site {quoted(site)}{did_you_mean(site, sites)}; "
                        f"expected one of: {', '.join(sorted(sites))}",
                    )
    for i, asset in records("assets"):
        host = text(asset, "host")
        if host is None or asset.get("kind") != AssetKind.VIRTUAL_MACHINE.value:
            continue
        if host not in asset_kinds:
            problem(
                ("assets", i, "host"),
                f"unknown asset {quoted(host)}{did_you_mean(host, asset_kinds)}; "
                "expected the id of a server",
            )
            continue
        if asset_kinds[host] != AssetKind.SERVER.value:
            problem(
                ("assets", i, "host"),
                f"'{host}' is a {asset_kinds[host]}; a virtual machine runs on a server",
            )
            continue
        # a VM runs where its host is (NetBox refuses anything else too)
        site, host_site = text(asset, "site"), text(assets[host], "site")
        if site is not None and site != host_site:
            problem(
                ("assets", i, "site"),
                f"'{site}' is not the site of its host '{host}' ({host_site}); "
                "expected the host's site",
            )
    for i, sw in records("software"):
        on = text(sw, "installed_on")
        if on is not None and on not in asset_kinds:
            problem(
                ("software", i, "installed_on"),
                f"unknown asset {quoted(on)}{did_you_mean(on, asset_kinds)}",
            )
    return problems


def _check_file_name(inventory: Inventory, path: Path, doc: Document, shown: str) -> list[Problem]:
    """inventory/rs/kikinda.yaml must hold rs-kikinda, a Serbian LSG."""
    m = inventory.municipality
    problems: list[Problem] = []
    line = doc.lines.get(("municipality",), 1)
    prefix = m.id[:2].upper()
    if prefix != m.country:
        problems.append(
            Problem(
                shown,
                line,
                "municipality.country",
                f"'{m.country}' does not match the id's country code '{m.id[:2]}'",
            )
        )
    stem = path.name.rsplit(".", 1)[0]
    if stem not in (m.id, m.id[3:]):
        problems.append(
            Problem(
                shown,
                line,
                "municipality.id",
                f"'{m.id}' does not match the file name; expected '{m.id[:3]}{stem}' "
                f"or rename the file to {m.id[3:]}.yaml",
            )
        )
    folder = COUNTRY_DIRS.get(path.parent.name)
    if folder is not None and folder != m.country:
        problems.append(
            Problem(
                shown,
                line,
                "municipality.country",
                f"'{m.country}' is in folder {path.parent.name}/; expected {folder}",
            )
        )
    return problems


def load_inventories(
    paths: Sequence[Path],
    *,
    only: Sequence[str] = (),
    progress: ProgressFn | None = None,
    allow_empty: bool = False,
) -> LoadResult:
    """Load every inventory under `paths`; `only` keeps the LSGs with those ids or slugs.

    Never raises for bad input: problems are collected in the result, so that one
    run reports everything. `require_valid` turns them into an InputError.
    Folders without any inventory file are a problem unless `allow_empty`: an empty
    plan would otherwise replace the previous one, and `validate` would say "all valid".
    The inventories are frozen out of the cycle collector's scans (`gc.freeze`);
    reference counting still frees them when the caller drops them.
    """
    listed = _listed(paths)
    result = LoadResult(files=len(listed))
    if not listed and not allow_empty:
        result.problems.append(
            Problem(
                ", ".join(display_path(p) for p in paths),
                0,
                "",
                "no inventory files here; expected <country>/<slug>.yaml files "
                "(pass --allow-empty to accept an empty inventory)",
            )
        )
        return result
    wanted = set(only)
    files = list(listed)
    if wanted:
        _refuse_ambiguous(wanted, files)
        files = [p for p in files if wanted & {p.stem, _id_guess(p)}]
    for path in files:
        if listed[path] is not None:
            result.problems.append(Problem(display_path(path), 0, "", str(listed[path])))
    files = [p for p in files if listed[p] is None]
    seen: dict[str, str] = {}
    for path, document in zip(files, _read_each(files), strict=True):
        inventory, problems = load_inventory_file(path, document)
        result.problems.extend(problems)
        if progress is not None:
            progress(path)
        if inventory is None:
            continue
        src = inventory.municipality.source
        if inventory.id in seen:
            result.problems.append(
                Problem(
                    src.file if src else display_path(path),
                    src.line if src else 0,
                    "municipality.id",
                    f"duplicate LSG id '{inventory.id}' (also in {seen[inventory.id]})",
                )
            )
            continue
        seen[inventory.id] = display_path(path)
        result.inventories.append(inventory)
        # The inventories live until the caller is done with them: move them out of
        # the cycle collector's reach, or every later collection rescans them all
        # (on 100,000 assets that made reading and planning 1.4x slower).
        gc.freeze()
    if wanted:
        found = {i.id for i in result.inventories} | {i.id[3:] for i in result.inventories}
        missing = sorted(w for w in wanted if w not in found)
        if missing and not result.problems:
            raise UsageError(
                f"no inventory for {', '.join(printable(m)[:60] for m in missing)} under "
                f"{', '.join(map(str, paths))}"
            )
    result.inventories.sort(key=lambda inv: inv.id)
    return result


def _refuse_ambiguous(wanted: set[str], files: Sequence[Path]) -> None:
    """UsageError when a slug asked for names LSGs in two countries (rs-x and me-x)."""
    for word in sorted(wanted):
        ids = sorted({_id_guess(p) for p in files if p.stem == word and _id_guess(p) != word})
        if len(ids) > 1:
            raise UsageError(
                f"{quoted(word)} names {len(ids)} LSGs ({', '.join(ids)}); give the full id"
            )


PARALLEL_FROM_FILES = 16
"""Below this many files, starting worker processes costs more than it saves."""


def _read_each(files: Sequence[Path]) -> Iterator[Document | list[Problem]]:
    """read_document over `files`, in order; in worker processes when there are many.

    Reading YAML is CPU-bound Python, so threads would not help. Workers return
    plain data (cheap to pass back); validation stays in this process.
    """
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(files) < PARALLEL_FROM_FILES:
        yield from map(read_document, files)
        return
    # fork: workers start at once with everything imported, and nothing re-runs the
    # caller's __main__ (spawn would). They only read files and build plain values.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(read_document, files, chunksize=4)


def _id_guess(path: Path) -> str:
    country = path.parent.name
    return f"{country}-{path.stem}" if country in COUNTRY_DIRS else path.stem


def require_valid(result: LoadResult) -> list[Inventory]:
    """The inventories, or InputError with every problem."""
    if result.problems:
        raise InputError(result.problems)
    return result.inventories
