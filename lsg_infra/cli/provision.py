"""`lsg provision`, `lsg preflight` and `lsg inventory ansible`: the LSG's servers, by Ansible.

Exit codes: 0 every host succeeded, 1 any host failed or was unreachable, 2 bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from lsg_infra import api
from lsg_infra.cli import output
from lsg_infra.cli.blueprint import BlueprintsOpt, required_root
from lsg_infra.cli.main_options import FormatOpt, InventoryOpt, finite, inventory_paths
from lsg_infra.cli.output import Format
from lsg_infra.errors import UsageError
from lsg_infra.model.inventory import Inventory

LsgArg = Annotated[str, typer.Argument(help="LSG id (rs-kikinda) or slug (kikinda).")]
KnownHostsOpt = Annotated[
    Path | None,
    typer.Option("--known-hosts", help="known_hosts file the host keys are checked against."),
]
IdentityOpt = Annotated[
    Path | None, typer.Option("--identity", help="Private key file (default: agent, ~/.ssh).")
]
SshConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--ssh-config",
        help="OpenSSH-style config overriding addresses (Host <mgmt host> or <lsg>/<asset>).",
    ),
]


def _one(lsg: str, inventory: list[Path] | None) -> Inventory:
    [inv] = api.load_inventories(inventory_paths(inventory), only=[lsg])
    return inv


def _tier(inv: Inventory, blueprints: Path | None) -> str:
    m = inv.municipality
    return api.load_blueprints(required_root(blueprints)).tier_of(m.population, m.tier).id


def _ansible_inventory(
    inv: Inventory,
    tier: str,
    known_hosts: Path | None,
    identity: Path | None,
    ssh_config: Path | None,
) -> dict[str, Any]:
    addresses = api.ssh_addresses(inv, ssh_config) if ssh_config is not None else {}
    for path, option in ((known_hosts, "--known-hosts"), (identity, "--identity")):
        if path is not None and not path.expanduser().is_file():
            raise UsageError(f"{option} {path}: no such file")
    return api.ansible_inventory(
        inv,
        tier=tier,
        known_hosts=known_hosts.expanduser().resolve() if known_hosts else None,
        identity=identity.expanduser().resolve() if identity else None,
        addresses=addresses or None,
    )


def inventory_ansible(
    lsg: LsgArg,
    inventory: InventoryOpt = None,
    blueprints: BlueprintsOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Print the Ansible inventory generated for one LSG (YAML; JSON with --format json)."""
    inv = _one(lsg, inventory)
    data = api.ansible_inventory(inv, tier=_tier(inv, blueprints))
    if fmt is Format.json:
        output.print_json(data)
    else:
        sys.stdout.write(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def preflight(
    lsg: LsgArg,
    inventory: InventoryOpt = None,
    blueprints: BlueprintsOpt = None,
    known_hosts: KnownHostsOpt = None,
    identity: IdentityOpt = None,
    ssh_config: SshConfigOpt = None,
    connect_timeout: Annotated[
        float, typer.Option(min=0.5, max=600, callback=finite, help="Seconds to wait for a host.")
    ] = 10.0,
    playbooks: Annotated[
        Path | None, typer.Option("--playbooks", help="Ansible project (default: bundled).")
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Check each server before a run: reachable, sudo, OS release, disk, clock."""
    api.require_extra("provision", "lsg preflight")

    inv = _one(lsg, inventory)
    api.require_provisionable(inv)
    # The releases preflight accepts: the roles' platforms, with the end-of-support
    # dates the gap analysis uses (one source of truth).
    policy = api.preflight_policy(required_root(blueprints), playbooks)
    hosts = api.ssh_targets([inv], ssh_config=ssh_config or None)
    if not hosts:
        raise UsageError(f"{inv.id} has no server with a management address (assets[].manage)")
    options = api.ssh_options(
        connect_timeout=connect_timeout,
        command_timeout=60.0,
        known_hosts=known_hosts,
        identity=identity,
    )
    with output.progress_bar("Preflight", len(hosts), min_total=1) as advance:
        results = api.preflight(hosts, options, policy, progress=lambda r: advance())
    if fmt is Format.json:
        output.print_json(
            [
                {
                    "host": r.target.key,
                    "ok": r.ok,
                    "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in r.checks],
                }
                for r in results
            ]
        )
    else:
        output.print_table(
            f"Preflight of {inv.id}",
            ["host", "check", "result", "detail"],
            (
                [r.target.key, c.name, "ok" if c.ok else "FAILED", c.detail]
                for r in results
                for c in r.checks
            ),
        )
    if not all(r.ok for r in results):
        raise typer.Exit(1)


def provision(
    lsg: LsgArg,
    check: Annotated[
        bool, typer.Option("--check", help="Dry run: show what would change.")
    ] = False,
    limit: Annotated[
        str | None, typer.Option("--limit", help="Only these hosts (pattern).")
    ] = None,
    tags: Annotated[
        list[str] | None, typer.Option("--tags", help="Only these roles' tags (repeatable).")
    ] = None,
    inventory: InventoryOpt = None,
    blueprints: BlueprintsOpt = None,
    known_hosts: KnownHostsOpt = None,
    identity: IdentityOpt = None,
    ssh_config: SshConfigOpt = None,
    forks: Annotated[int | None, typer.Option(min=1, max=200, help="Parallel hosts.")] = None,
    run_dir: Annotated[
        Path, typer.Option("--run-dir", help="Where runs and their artifacts are kept.")
    ] = Path("runs"),
    playbooks: Annotated[
        Path | None, typer.Option("--playbooks", help="Ansible project (default: bundled).")
    ] = None,
    extra_vars: Annotated[
        Path | None,
        typer.Option(
            "--extra-vars",
            "-e",
            help="YAML file of variables for the playbooks, e.g. admin_users (never secrets: "
            "those come from the environment or ansible-vault).",
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Provision one LSG's servers with the standard eGovernment stack."""
    api.require_extra("provision", "lsg provision")

    inv = _one(lsg, inventory)
    api.require_provisionable(inv)
    variables = api.read_variables(extra_vars) if extra_vars is not None else None
    data = _ansible_inventory(inv, _tier(inv, blueprints), known_hosts, identity, ssh_config)
    hosts = list(data["all"]["hosts"])
    if not hosts:
        raise UsageError(f"{inv.id} has no server with a management address (assets[].manage)")
    split_tags = [t for group in tags or [] for t in group.split(",") if t]
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[last]}"))
    with Progress(
        *columns,
        TimeElapsedColumn(),
        console=output.err_console,
        transient=True,
        disable=not output.err_console.is_terminal,
    ) as bar:
        per_host = {h: bar.add_task(h, total=None, last="") for h in hosts}

        def on_task(host: str, task: str, outcome: str) -> None:
            if host in per_host:
                bar.update(per_host[host], advance=1, last=f"{outcome}: {task}"[:60])

        result = api.provision(
            data,
            run_dir=run_dir.resolve() / inv.id,
            playbooks=playbooks.resolve() if playbooks else None,
            check=check,
            limit=limit,
            tags=split_tags,
            forks=forks,
            variables=variables,
            progress=on_task,
        )
    if fmt is Format.json:
        output.print_json(
            {
                "status": result.status,
                "rc": result.rc,
                "artifacts": str(result.artifacts),
                "hosts": [vars(h) for h in result.hosts],
            }
        )
    else:
        output.print_table(
            f"{'Dry run' if check else 'Provisioning'} of {inv.id}: {result.status}",
            ["host", "ok", "changed", "failed", "unreachable", "skipped"],
            ([h.host, h.ok, h.changed, h.failed, h.unreachable, h.skipped] for h in result.hosts),
            right=["ok", "changed", "failed", "unreachable", "skipped"],
        )
        output.error(f"artifacts: {result.artifacts}")
    if not result.succeeded:
        raise typer.Exit(1)


def register(app: typer.Typer, inventory_app: typer.Typer) -> None:
    app.command("provision")(provision)
    app.command("preflight")(preflight)
    inventory_app.command("ansible")(inventory_ansible)
