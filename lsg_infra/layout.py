"""Where an LSG's files live: `inventory/<cc>/<slug>.yaml` and the files written beside it.

One place for the folder layout rule that `lsg init`, the inventory reader, discovery and
`lsg netbox pull` all follow (rs-kikinda -> inventory/rs/kikinda.yaml).
"""

from __future__ import annotations

from pathlib import Path

INVENTORY_DIR = Path("inventory")
"""The folder of inventories, relative to the working directory or a repository."""
COUNTRY_DIRS = {"rs": "RS", "me": "ME", "mk": "MK"}
"""Country folder -> the country code its inventories must carry."""
GENERATED_SUFFIX = ".discovered.yaml"
"""Files that discovery writes beside an inventory; they are not inventories."""
PULLED_SUFFIX = ".netbox.yaml"
"""Files `lsg netbox pull` writes beside an inventory a person wrote, to compare by hand."""


def inventory_path(root: Path, lsg_id: str) -> Path:
    """The inventory file of an LSG under `root`.

    >>> inventory_path(Path("inventory"), "rs-kikinda").as_posix()
    'inventory/rs/kikinda.yaml'
    """
    return root / lsg_id[:2] / f"{lsg_id[3:]}.yaml"


def discovered_path(inventory_file: Path) -> Path:
    """The file discovery writes beside an inventory.

    >>> discovered_path(Path("inventory/rs/kikinda.yaml")).as_posix()
    'inventory/rs/kikinda.discovered.yaml'
    """
    return inventory_file.with_name(inventory_file.name.rsplit(".", 1)[0] + GENERATED_SUFFIX)
