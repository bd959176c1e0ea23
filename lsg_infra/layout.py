"""Where an LSG's files live: `inventory/<cc>/<slug>.yaml` and the files written beside it.

One place for the folder layout rule that `lsg init`, the inventory reader, discovery,
`lsg netbox pull` and `lsg inventory import` all follow (rs-kikinda ->
inventory/rs/kikinda.yaml), and for `slugify`, the one rule that turns a name into a slug
(LSG ids in lsgs.csv, NetBox slugs).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from pathlib import Path

INVENTORY_DIR = Path("inventory")
"""The folder of inventories, relative to the working directory or a repository."""
COUNTRY_DIRS = {"rs": "RS", "me": "ME", "mk": "MK"}
"""Country folder -> the country code its inventories must carry."""
GENERATED_SUFFIX = ".discovered.yaml"
"""Files that discovery writes beside an inventory; they are not inventories."""
PULLED_SUFFIX = ".netbox.yaml"
"""Files `lsg netbox pull` writes beside an inventory a person wrote, to compare by hand."""
IMPORTED_SUFFIX = ".imported.yaml"
"""Files `lsg inventory import` writes beside an inventory, for a person to review and copy in."""


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


def pulled_path(inventory_file: Path) -> Path:
    """The file `lsg netbox pull` writes beside an inventory a person wrote.

    >>> pulled_path(Path("inventory/rs/kikinda.yaml")).as_posix()
    'inventory/rs/kikinda.netbox.yaml'
    """
    return inventory_file.with_name(inventory_file.name.rsplit(".", 1)[0] + PULLED_SUFFIX)


@functools.lru_cache(maxsize=4096)
def slugify(text: str, max_length: int = 100) -> str:
    """Lower-case ASCII letters, digits and dashes, as LSG ids and NetBox slugs are written.

    Đ/đ becomes "dj", as in the ids of blueprints/reference/lsgs.csv (Aranđelovac is
    rs-arandjelovac): it has no decomposition, so without this it would be dropped. A
    name with no Latin letter or digit at all (Cyrillic only) gets "x-" and a hash of
    the name, so that it still has a slug and two such names do not share one.

    >>> slugify("Petrovac na Mlavi"), slugify("Đorđevac"), slugify("DS920+")
    ('petrovac-na-mlavi', 'djordjevac', 'ds920')
    >>> slugify("Кикинда")[:2]
    'x-'
    """
    latin = text.replace("đ", "dj").replace("Đ", "Dj")
    ascii_text = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    if slug:
        return slug
    return "x-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def imported_path(inventory_file: Path) -> Path:
    """The file `lsg inventory import` writes beside an inventory.

    >>> imported_path(Path("inventory/rs/kikinda.yaml")).as_posix()
    'inventory/rs/kikinda.imported.yaml'
    """
    return inventory_file.with_name(inventory_file.name.rsplit(".", 1)[0] + IMPORTED_SUFFIX)
