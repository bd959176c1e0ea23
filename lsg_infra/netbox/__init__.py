"""NetBox as the shared source of truth: push inventories in, pull them back out.

See docs/netbox.md for the mapping. The pure parts (fields, to_netbox, from_netbox,
records, diff) never touch the network; `client` talks HTTP; `sync` joins them.
"""

from lsg_infra.errors import ChunkFailed, NetBoxRequestFailed
from lsg_infra.netbox.client import NetBoxClient, connect
from lsg_infra.netbox.decode import state_from_records
from lsg_infra.netbox.diff import change_set
from lsg_infra.netbox.from_netbox import inventory_dicts_from_state
from lsg_infra.netbox.model import (
    TAG_SLUG,
    Change,
    ChangeSet,
    KindSummary,
    NbObject,
    Ref,
    State,
)
from lsg_infra.netbox.settings import NetBoxSettings, load_settings
from lsg_infra.netbox.sync import (
    PushResult,
    Transport,
    apply,
    inventory_yaml,
    pull,
    push,
    read_state,
    write_inventories,
)
from lsg_infra.netbox.to_netbox import desired_state

__all__ = [
    "TAG_SLUG",
    "Change",
    "ChangeSet",
    "ChunkFailed",
    "KindSummary",
    "NbObject",
    "NetBoxClient",
    "NetBoxRequestFailed",
    "NetBoxSettings",
    "PushResult",
    "Ref",
    "State",
    "Transport",
    "apply",
    "change_set",
    "connect",
    "desired_state",
    "inventory_dicts_from_state",
    "inventory_yaml",
    "load_settings",
    "pull",
    "push",
    "read_state",
    "state_from_records",
    "write_inventories",
]
