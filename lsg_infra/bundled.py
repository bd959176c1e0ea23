"""The data lsg-infra ships with: reference blueprints and prices, playbooks, schemas, CI templates.

In an installed wheel they sit inside the package, `lsg_infra/_bundled/<name>` (setup.py
maps the top-level folders there at build time); in a git checkout, installed editable or
not at all, they are the top-level folders themselves, where people edit them. Both are
reached through `importlib.resources`, so the code never guesses a path that only exists
in one of the two.

>>> (folder("blueprints") / "catalogue.yaml").is_file()
True
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

from lsg_infra.atomic_write import create_atomic
from lsg_infra.errors import UsageError

Name = Literal["blueprints", "playbooks", "schemas", "ci"]
BUNDLE = "_bundled"


def _as_path(item: Traversable) -> Path | None:
    # Ansible and the blueprint loader need real files; a zipped install has none to give.
    return item if isinstance(item, Path) else None


def _package() -> Traversable:
    return resources.files("lsg_infra")


def folder(name: Name) -> Path:
    """The bundled folder `name`: inside the installed package, else the checkout's own."""
    package = _package()
    inside = _as_path(package.joinpath(BUNDLE, name))
    if inside is not None and inside.is_dir():
        return inside
    root = _as_path(package)
    if root is not None:
        checkout = root.parent
        # pyproject.toml beside the package: a source tree, not some site-packages/blueprints
        if (checkout / "pyproject.toml").is_file() and (checkout / name).is_dir():
            return checkout / name
    raise UsageError(
        f"lsg-infra's own {name} are not installed (reinstall lsg-infra from a wheel or a checkout)"
    )


def blueprints() -> Path:
    """The reference blueprints, price catalogue and country rates."""
    return folder("blueprints")


def playbooks() -> Path:
    """The Ansible project: site.yml, roles/, group_vars/."""
    return folder("playbooks")


def schemas() -> Path:
    """JSON Schemas (inventory.schema.json) for editors and CI."""
    return folder("schemas")


@dataclass(frozen=True, slots=True)
class Exported:
    """What `export` did: files written and files left alone because they existed."""

    written: list[Path]
    kept: list[Path]


def export(name: Name, target: Path) -> Exported:
    """Copy the bundled folder `name` into `target`, never overwriting a file already there.

    `written` and `kept` list paths under `target`, e.g. my-blueprints/catalogue.yaml.
    """
    source = folder(name)
    written: list[Path] = []
    kept: list[Path] = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not path.is_file() or "__pycache__" in relative.parts:
            continue
        destination = target / relative
        mode = path.stat().st_mode & 0o755
        if create_atomic(destination, path.read_bytes(), mode):
            written.append(destination)
        else:
            kept.append(destination)
    return Exported(written=written, kept=kept)
