"""The file an import writes: `<slug>.imported.yaml`, beside the LSG's inventory file.

It is not read as an inventory (`readers/files.py` skips it, as it skips discovered
and pulled files): a register also lists what the person's file already counts
("150 workstations" written as one record), so merging it by itself would count
equipment twice in the gaps and the plan. A person reviews it and copies the lines
they keep under `assets:` of the inventory file; every line is one asset, in the
flow style the inventory files use, already checked against the inventory model and
the LSG's sites.

The comment line above `assets:` is a stamp with a digest of what follows (as `lsg
netbox pull` stamps its files): a later import replaces the file (`--force`) only when
it is still exactly what an import wrote, never a file a person has edited or written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import yaml

from lsg_infra.atomic_write import write_text_atomic
from lsg_infra.errors import UsageError
from lsg_infra.model.inventory import Asset
from lsg_infra.textsafe import printable

try:  # libyaml's emitter: the pure-Python one took 4 ms an asset (80 s for 20,000)
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

_STAMP = "# lsg-infra inventory import, content sha256:"
_WIDE = 1 << 16  # one asset, one line: never folded, however long its notes


def asset_line(asset: Asset) -> str:
    """One asset as one line of an `assets:` list ('  - {kind: laptop, site: ...}')."""
    body = asset.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    body = {"kind": body.pop("kind"), "site": body.pop("site"), **body}
    if asset.id is not None:
        body = {"id": body.pop("id"), **body}
    # A safe dumper: plain YAML, no tags; text that looks like a number, a date or YAML
    # syntax ('00123', '2016', '!!python/object', '=SUM(A1)') is quoted as text.
    text = yaml.dump(
        body,
        Dumper=_Dumper,
        default_flow_style=True,
        allow_unicode=True,
        sort_keys=False,
        width=_WIDE,
    )
    return "  - " + text.strip()


def imported_yaml(assets: Sequence[Asset], *, inventory_file: str, source: str) -> str:
    """The whole file: comments saying where it came from and what to do, the stamp,
    then `assets:` with one line per asset."""
    body = "assets:\n" + "".join(asset_line(a) + "\n" for a in assets)
    target = printable(Path(inventory_file).name)
    header = (
        f"# {len(assets)} asset(s) imported by `lsg inventory import` from {printable(source)}.\n"
        f"# Review them, then copy the lines you keep under `assets:` in {target}\n"
        "# (check that none is already counted there), and delete this file.\n"
        "# Until then nothing here counts: this file is not read as an inventory.\n"
    )
    return header + f"{_STAMP}{_digest(body)}\n" + body


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def written_by_import(path: Path) -> bool:
    """True when `path` is a file an import wrote and nobody has changed since."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    head, sep, body = text.partition("\nassets:\n")
    if not sep:
        return False
    stamp = head.rsplit("\n", 1)[-1]
    return stamp.startswith(_STAMP) and stamp[len(_STAMP) :] == _digest("assets:\n" + body)


def check_target(path: Path, shown: str, *, force: bool) -> None:
    """UsageError unless `path` may be written: absent, or (with `force`) an unchanged
    earlier import. Checked before the register is read, and again before writing."""
    if not path.exists() and not path.is_symlink():
        return
    if path.is_symlink() or not path.is_file():
        raise UsageError(f"{shown} exists and is not a regular file: not replaced")
    if not written_by_import(path):
        raise UsageError(
            f"{shown} exists and was written or changed by a person: not replaced; "
            "copy what you need from it and move it away, then import again"
        )
    if not force:
        raise UsageError(
            f"{shown} exists (an earlier import): review it and delete it, "
            "or pass --force to replace it"
        )


def write_imported(path: Path, shown: str, text: str, *, force: bool) -> None:
    """Write the file atomically (a temporary file, then rename), after `check_target`."""
    check_target(path, shown, force=force)
    write_text_atomic(path, text)
