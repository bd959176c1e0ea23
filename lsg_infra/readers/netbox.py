"""Inventories from and to NetBox: the source-side entry point of lsg_infra.netbox.

settings = load_settings()               # NETBOX_URL / NETBOX_TOKEN or netbox.toml
client = connect(settings)               # checks URL, token and version
result = push(inventories, client)       # the change set; apply_changes=True writes it
inventories = pull(client, ["rs-kikinda"])
"""

from lsg_infra.netbox import (
    TAG_SLUG,
    ChangeSet,
    NetBoxClient,
    NetBoxSettings,
    PushResult,
    connect,
    load_settings,
    pull,
    push,
    write_inventories,
)

__all__ = [
    "TAG_SLUG",
    "ChangeSet",
    "NetBoxClient",
    "NetBoxSettings",
    "PushResult",
    "connect",
    "load_settings",
    "pull",
    "push",
    "write_inventories",
]
