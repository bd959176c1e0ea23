"""`lsg netbox ...`: push inventories into NetBox, pull them back, check the connection.

The URL and token come from NETBOX_URL / NETBOX_TOKEN or the config file
(~/.config/lsg-infra/netbox.toml, or --config); there is deliberately no
--token option.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any

import typer

from lsg_infra import api
from lsg_infra.cli import output
from lsg_infra.cli.main_options import FormatOpt, InventoryOpt, inventory_paths
from lsg_infra.cli.output import Format

app = typer.Typer(help="NetBox as the shared source of truth: push and pull.", no_args_is_help=True)

ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="NetBox settings file (TOML: url, token, ca_bundle). "
        "Default: ~/.config/lsg-infra/netbox.toml; NETBOX_URL and NETBOX_TOKEN win.",
    ),
]
CaBundleOpt = Annotated[
    Path | None,
    typer.Option("--ca-bundle", help="CA certificates to verify NetBox's TLS certificate."),
]
InsecureHttpOpt = Annotated[
    bool,
    typer.Option(
        "--insecure-http",
        help="Accept a plain http:// NetBox URL (the token travels unencrypted: a test "
        "server on this machine only).",
    ),
]
LsgArgs = Annotated[
    list[str] | None,
    typer.Argument(help="LSG ids (rs-kikinda). Default: all."),
]
KINDS_TO_READ = 18
"""Object kinds a push or pull reads (lsg_infra.netbox.model.ORDER); kept here so the
CLI does not import pynetbox before it needs to."""


def _advance_by(advance: Any) -> Any:
    def by(n: int) -> None:
        for _ in range(n):
            advance()

    return by


def _lsg_ids(given: list[str] | None) -> list[str]:
    return list(given or [])


@app.command("check")
def check(
    config: ConfigOpt = None, ca_bundle: CaBundleOpt = None, insecure_http: InsecureHttpOpt = False
) -> None:
    """Check the URL, the token and the NetBox version."""
    api.require_extra("netbox", "lsg netbox check")
    client = api.netbox_connect(config, ca_bundle=ca_bundle, insecure_http=insecure_http)
    output.error(f"NetBox {client.version} at {client.url}: token accepted")


@app.command("push")
def push(
    lsgs: LsgArgs = None,
    inventory: InventoryOpt = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Make the changes (default: only show them).")
    ] = False,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Also delete objects tagged lsg-infra that the inventory no longer has "
            "(only of the LSGs named; of all LSGs when none are named).",
        ),
    ] = False,
    details: Annotated[bool, typer.Option("--details", help="List every change.")] = False,
    config: ConfigOpt = None,
    ca_bundle: CaBundleOpt = None,
    insecure_http: InsecureHttpOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Show how NetBox differs from the inventories; with --apply, make it match."""
    api.require_extra("netbox", "lsg netbox push")

    inventories = api.load_inventories(inventory_paths(inventory), only=_lsg_ids(lsgs))
    scope = [inv.id for inv in inventories] if lsgs else None
    client = api.netbox_connect(config, ca_bundle=ca_bundle, insecure_http=insecure_http)
    with ExitStack() as stack:
        read_bar = stack.enter_context(output.progress_bar("Reading NetBox", KINDS_TO_READ))

        def on_write(changes: Any) -> Any:
            return _advance_by(
                stack.enter_context(output.progress_bar("Writing to NetBox", changes.writes))
            )

        result = api.netbox_push(
            inventories,
            client,
            apply=apply,
            prune=prune,
            scope=scope,
            on_read=_advance_by(read_bar),
            on_write=on_write,
        )
    changes = result.change_set
    rows = [[r.kind, r.create, r.update, r.delete, r.unchanged] for r in changes.summary()]
    if fmt is Format.json:
        output.print_json(
            {
                "netbox": client.url,
                "applied": apply,
                "written": result.applied,
                "requests": dict(client.requests),
                "summary": [
                    dict(zip(["kind", "create", "update", "delete", "unchanged"], r, strict=True))
                    for r in rows
                ],
                "changes": [
                    {
                        "kind": c.kind,
                        "key": list(c.key),
                        "action": c.action,
                        "fields": sorted(c.fields),
                    }
                    for c in changes.changes
                ]
                if details
                else None,
            }
        )
        return
    output.print_table(
        f"NetBox {client.version} at {client.url}",
        ["kind", "create", "update", "delete", "unchanged"],
        rows,
        right=["create", "update", "delete", "unchanged"],
    )
    if details:
        for c in changes.changes:
            fields = ", ".join(sorted(c.fields)) if c.action == "update" else ""
            output.line(f"{c.action:7} {c.label} {fields}".rstrip())
    if not changes.changes:
        output.error("NetBox already matches the inventory: nothing to change")
    elif apply:
        output.error(f"wrote {result.applied:,} object(s) in {client.writes():,} request(s)")
    else:
        output.error(f"{changes.writes:,} change(s); run with --apply to make them")


@app.command("pull")
def pull(
    lsgs: LsgArgs = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for <country>/<slug>.yaml.")] = (
        Path("inventory")
    ),
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="Replace inventory files a person wrote (default: write <slug>.netbox.yaml "
            "beside them, to compare and merge).",
        ),
    ] = False,
    config: ConfigOpt = None,
    ca_bundle: CaBundleOpt = None,
    insecure_http: InsecureHttpOpt = False,
) -> None:
    """Write inventory files from NetBox (the LSG tenants tagged lsg-infra).

    A file a person wrote is never replaced unless --overwrite: the pull goes beside
    it as <slug>.netbox.yaml (not read as an inventory), to compare and merge.
    """
    api.require_extra("netbox", "lsg netbox pull")
    wanted = _lsg_ids(lsgs)
    client = api.netbox_connect(config, ca_bundle=ca_bundle, insecure_http=insecure_http)
    with output.progress_bar("Reading NetBox", KINDS_TO_READ) as advance:
        inventories = api.netbox_pull(client, wanted, on_read=_advance_by(advance))
    paths = api.write_pulled_inventories(inventories, out, overwrite=overwrite)
    beside = [p for p in paths if p.name.endswith(api.PULLED_SUFFIX)]
    output.error(f"wrote {len(paths)} inventory file(s) under {out}")
    for path in beside:
        output.error(f"{path}: beside an inventory a person wrote (kept); compare and merge")
