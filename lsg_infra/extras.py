"""Optional dependencies, by job: what a command needs beyond the core, and how to get it.

The core (inventory, validation, gaps, plan, reports) installs without Ansible,
paramiko or pynetbox, which are most of an install's size. A command that needs one of
them asks `require` first, so a planner's install answers with the extra to add
instead of a traceback.
"""

from __future__ import annotations

import importlib.util
from typing import Literal

from lsg_infra.errors import MissingExtra

Extra = Literal["provision", "netbox", "discovery"]

MODULES: dict[Extra, tuple[str, ...]] = {
    # ansible_collections: community.postgresql & co, from the `ansible` package
    "provision": ("ansible", "ansible_runner", "ansible_collections", "paramiko"),
    "netbox": ("pynetbox",),
    "discovery": ("paramiko",),
}
"""The importable modules each extra of pyproject.toml brings."""


def install_hint(extra: Extra) -> str:
    """The command that installs `extra`.

    >>> install_hint("netbox")
    "pip install 'lsg-infra[netbox]'"
    """
    return f"pip install 'lsg-infra[{extra}]'"


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # ValueError: blocked (None) in sys.modules
        return False


def missing(extra: Extra) -> list[str]:
    """The modules of `extra` that cannot be imported here."""
    return [m for m in MODULES[extra] if not _installed(m)]


def require(extra: Extra, command: str) -> None:
    """Raise MissingExtra (exit 2, one line) unless everything `extra` brings is installed."""
    absent = missing(extra)
    if absent:
        raise MissingExtra(
            f"{command} needs the '{extra}' extra ({', '.join(absent)} not installed): "
            f"{install_hint(extra)}"
        )


def extra_for(module: str | None) -> Extra | None:
    """The extra that brings `module` (a dotted name is looked up by its top package)."""
    top = (module or "").partition(".")[0]
    order: tuple[Extra, ...] = ("discovery", "netbox", "provision")  # paramiko: the smaller
    return next((extra for extra in order if top in MODULES[extra]), None)
