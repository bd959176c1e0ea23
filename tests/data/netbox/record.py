"""Re-record `records.json`: what NetBox answers after a push of the test inventories.

    NETBOX_URL=http://127.0.0.1:PORT NETBOX_TOKEN=... .venv/bin/python tests/data/netbox/record.py

Pushes tests/data/netbox/inventory, reads every kind back (the same GETs a push
makes), keeps only the objects the push uses, drops volatile fields (timestamps,
urls) and writes records.json, which tests/unit/test_netbox_records.py replays.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lsg_infra import api
from lsg_infra.netbox import connect, load_settings, push
from lsg_infra.netbox.model import KINDS, ORDER
from lsg_infra.netbox.sync import _filters

HERE = Path(__file__).parent
VOLATILE = {"created", "last_updated", "url", "display_url"}


def _clean(value: Any) -> Any:
    # NetBox's own links and timestamps change on every run; custom field values
    # are the inventory's data and are kept whole (a website section's "url" was
    # dropped with NetBox's links until 2026-12-01, so the round trip looked lossy).
    if isinstance(value, dict):
        return {
            k: v if k == "custom_fields" else _clean(v)
            for k, v in value.items()
            if k not in VOLATILE
        }
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def main() -> None:
    invs = api.load_inventories([HERE / "inventory"])
    ids = [inv.id for inv in invs]
    client = connect(load_settings(insecure_http=True))  # the local test NetBox is plain http
    push(invs, client, apply_changes=True, scope=ids)
    records: dict[str, list[Any]] = {}
    for name in ORDER:
        kind = KINDS[name]
        rows = client.read_all(kind, _filters(kind, ids))
        if kind.reference and name not in ("tags", "custom_fields"):
            rows = [r for r in rows if any(t.get("slug") == "lsg-infra" for t in r["tags"])]
        records[name] = [_clean(r) for r in rows]
    records["_netbox_version"] = [client.version]
    (HERE / "records.json").write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n")
    push([], client, apply_changes=True, prune=True, scope=ids)


if __name__ == "__main__":
    main()
