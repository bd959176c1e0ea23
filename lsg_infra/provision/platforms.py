"""Which operating systems the playbooks provision, and until when.

The roles name their platforms in `meta/main.yml` by codename (`Debian: [trixie]`).
Each codename is resolved through `blueprints/software_support.yaml`, the same
end-of-support data the gap analysis uses, so that preflight never accepts a
system that `lsg gaps` would then report as unsupported: one source of truth
(tests/unit/test_provision.py fails when the roles name a release the data does
not know, or one whose support has ended).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lsg_infra.errors import InputError, Problem
from lsg_infra.model.blueprint import SoftwareSupport

# How Debian documents the move from one release to the next; named in the
# preflight refusal of a server on an older release.
UPGRADE_GUIDE = "https://www.debian.org/releases/{codename}/release-notes/upgrading.en.html"


@dataclass(frozen=True, slots=True)
class Platform:
    """An operating system release the roles support, as /etc/os-release names it."""

    os_id: str  # ID=debian
    version: str  # VERSION_ID=13
    name: str  # Debian
    codename: str  # trixie
    end_of_support: dt.date | None

    @property
    def label(self) -> str:
        return f"{self.name} {self.version} ({self.codename})"

    def supported_on(self, today: dt.date) -> bool:
        return self.end_of_support is None or today < self.end_of_support


def read_role_platforms(playbooks: Path) -> dict[str, dict[str, tuple[str, ...]]]:
    """Role name -> {platform name: codenames} from every `roles/*/meta/main.yml`."""
    from lsg_infra.readers.files import display_path, read_document

    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for meta in sorted((playbooks / "roles").glob("*/meta/main.yml")):
        doc = read_document(meta)
        if isinstance(doc, list):
            raise InputError(doc)
        info = doc.data.get("galaxy_info", {}) if isinstance(doc.data, dict) else {}
        platforms = info.get("platforms") if isinstance(info, dict) else None
        if not isinstance(platforms, list) or not platforms:
            raise InputError(
                [Problem(display_path(meta), 1, "galaxy_info.platforms", "no platform listed")]
            )
        found[meta.parent.parent.name] = {
            str(p["name"]): tuple(str(v) for v in p.get("versions", ()))
            for p in platforms
            if isinstance(p, dict) and "name" in p
        }
    return found


def resolve(
    role_platforms: Mapping[str, Mapping[str, Sequence[str]]], software: SoftwareSupport
) -> list[Platform]:
    """The releases every role supports, with their end of support (pure).

    A codename the software support data does not know is an error: the data
    and the roles must name the same releases.
    """
    per_role = [
        {(name, codename) for name, codenames in platforms.items() for codename in codenames}
        for platforms in role_platforms.values()
    ]
    common = set.intersection(*per_role) if per_role else set()
    resolved: list[Platform] = []
    unknown: list[str] = []
    for name, codename in sorted(common):
        platform = _lookup(software, name, codename)
        if platform is None:
            unknown.append(f"{name} {codename}")
        else:
            resolved.append(platform)
    if unknown:
        raise InputError(
            [
                Problem(
                    "blueprints/software_support.yaml",
                    0,
                    "products",
                    f"the roles support {', '.join(unknown)}, which has no entry here "
                    "(add the release with its end of support, or the codename as an alias)",
                )
            ]
        )
    return resolved


def _lookup(software: SoftwareSupport, name: str, codename: str) -> Platform | None:
    for product in software.products:
        if name.casefold() not in {n.casefold() for n in product.names}:
            continue
        for v in product.versions:
            if codename.casefold() in {a.casefold() for a in (v.version, *v.aliases)}:
                return Platform(product.id, v.version, product.names[0], codename, v.end_of_support)
    return None


def end_of_support(software: SoftwareSupport, os_id: str, version: str) -> dt.date | None:
    """When the release /etc/os-release names lost its security support (None: unknown)."""
    for product in software.products:
        if os_id.casefold() in {product.id.casefold(), *(n.casefold() for n in product.names)}:
            return software.end_of_support(product.names[0], version)[1]
    return None


def os_verdict(
    os_id: str,
    version: str,
    platforms: Iterable[Platform],
    software: SoftwareSupport,
    today: dt.date,
) -> tuple[bool, str]:
    """(accepted, detail) for a server's release (pure)."""
    current = [p for p in platforms if p.supported_on(today)]
    this = f"{os_id} {version}"
    for p in current:
        if (p.os_id, p.version) == (os_id, version):
            until = f" until {p.end_of_support.isoformat()}" if p.end_of_support else ""
            return True, f"{p.label}: security support{until}"
    if not current:
        return False, (
            f"{this}; no release the playbooks support still has security support "
            "(blueprints/software_support.yaml): update the roles to a current release"
        )
    expected = ", ".join(p.label for p in current)
    ended = end_of_support(software, os_id, version)
    if ended is not None and ended <= today:
        newest = current[-1]
        guide = UPGRADE_GUIDE.format(codename=newest.codename)
        return False, (
            f"{this}: security support ended on {ended.isoformat()} "
            f"(blueprints/software_support.yaml); upgrade it to {newest.label} first "
            f"(point apt at {newest.codename}, then apt full-upgrade: {guide})"
        )
    return False, f"{this}; the playbooks support {expected}"
