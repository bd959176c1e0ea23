"""Documents pulled from NetBox into validated inventories, every problem named by object.

A pulled document goes through the loader every inventory file goes through
(`readers.files.load_inventory_file`: control characters, the schema, references
between records, the id's country), so a pull refuses what `lsg validate` would and
reports every problem at once. NetBox has no lines: a problem names the object to
fix instead, e.g. `netbox:dcim.devices/42 (srv-01): ram_gb: expected a number`.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from lsg_infra import layout
from lsg_infra.errors import Problem
from lsg_infra.model.inventory import Inventory
from lsg_infra.netbox.from_netbox import PulledDocument
from lsg_infra.netbox.model import KINDS, NbObject
from lsg_infra.readers.files import load_inventory_file
from lsg_infra.readers.yamlfile import Document, format_path


def object_label(obj: NbObject) -> str:
    """Where an object is in NetBox: `netbox:dcim.devices/42 (srv-01)`.

    >>> from lsg_infra.netbox.model import NbObject
    >>> object_label(NbObject("devices", ("rs-kikinda", "srv-01"), {}, id=42))
    'netbox:dcim.devices/42 (srv-01)'
    """
    kind = KINDS[obj.kind]
    number = f"/{obj.id}" if obj.id is not None else ""
    return f"netbox:{kind.app}.{kind.endpoint}{number} ({obj.key[-1]})"


def validate_pulled(pulled: PulledDocument) -> tuple[Inventory | None, list[Problem]]:
    """The inventory, or every problem of the document, each naming its NetBox object."""
    lsg_id = str(pulled.data.get("municipality", {}).get("id", ""))
    # The path pull writes the inventory to (rs/kikinda.yaml): the file-name check then
    # holds the tenant's slug to the layout like any file's id. Nothing is read from it:
    # the document is given, and an empty root keeps line lookups from opening the path.
    path = layout.inventory_path(Path(), lsg_id)
    root = yaml.MappingNode(tag="tag:yaml.org,2002:map", value=[])
    document = Document(path=path, data=pulled.data, root=root)
    inventory, problems = load_inventory_file(path, document)
    origins = {format_path(place): obj for place, obj in pulled.origins.items()}
    return inventory, [_in_netbox(p, pulled.tenant, origins) for p in problems]


def _in_netbox(problem: Problem, tenant: NbObject, origins: dict[str, NbObject]) -> Problem:
    """The problem at the NetBox object its part of the document came from."""
    record, _, rest = problem.where.partition(".")  # "assets[3]", "ram_gb"
    obj = origins.get(record)
    if obj is not None:
        return Problem(object_label(obj), 0, rest, problem.message)
    return Problem(object_label(tenant), 0, problem.where, problem.message)


__all__ = ["object_label", "validate_pulled"]
