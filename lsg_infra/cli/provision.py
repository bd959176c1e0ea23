"""`lsg provision`, `lsg preflight` and `lsg inventory ansible`: the LSG's servers, by Ansible.

Exit codes: 0 every host succeeded, 1 any host failed or was unreachable, 2 bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from lsg_infra import api
from lsg_infra.cli import output
from lsg_infra.cli.blueprint import BlueprintsOpt, required_root
from lsg_infra.cli.main_options import FormatOpt, InventoryOpt, finite, inventory_paths
from lsg_infra.cli.output import Format
from lsg_infra.errors import InputError, Problem, UsageError
from lsg_infra.model.inventory import Inventory
from lsg_infra.provision.inventory import Connection, ansible_inventory

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
    from lsg_infra.sources.blueprints import require_library

    m = inv.municipality
    return require_library(required_root(blueprints)).tier_of(m.population, m.tier).id


def _connection(
    inv: Inventory, known_hosts: Path | None, identity: Path | None, ssh_config: Path | None
) -> Connection:
    addresses: dict[str, tuple[str, int]] = {}
    if ssh_config is not None:
        from lsg_infra.discovery import targets

        config = targets.load_ssh_config(ssh_config)
        for t in targets.discovery_targets([inv], ssh_config=config):
            addresses[t.asset_id] = (t.host, t.port)
    for path, option in ((known_hosts, "--known-hosts"), (identity, "--identity")):
        if path is not None and not path.expanduser().is_file():
            raise UsageError(f"{option} {path}: no such file")
    return Connection(
        known_hosts=known_hosts.expanduser().resolve() if known_hosts else None,
        identity=identity.expanduser().resolve() if identity else None,
        addresses=addresses or None,
    )


def _extra_vars(path: Path) -> dict[str, object]:
    from lsg_infra.sources.files import display_path, read_document

    doc = read_document(path)
    if isinstance(doc, list):
        raise InputError(doc)
    if not isinstance(doc.data, dict):
        raise InputError([Problem(display_path(path), 1, "", "expected a mapping of variables")])
    return doc.data


def inventory_ansible(
    lsg: LsgArg,
    inventory: InventoryOpt = None,
    blueprints: BlueprintsOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Print the Ansible inventory generated for one LSG (YAML; JSON with --format json)."""
    inv = _one(lsg, inventory)
    data = ansible_inventory(inv, tier=_tier(inv, blueprints))
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
    from lsg_infra.discovery import targets
    from lsg_infra.discovery.ssh import DEFAULT_KNOWN_HOSTS, ParamikoConnector, Secret, SshOptions
    from lsg_infra.provision.preflight import load_policy
    from lsg_infra.provision.preflight import preflight as run_preflight

    inv = _one(lsg, inventory)
    # The releases preflight accepts: the roles' platforms, with the end-of-support
    # dates the gap analysis uses (one source of truth).
    policy = load_policy(required_root(blueprints), playbooks)
    config = targets.load_ssh_config(ssh_config) if ssh_config else None
    hosts = targets.discovery_targets([inv], ssh_config=config)
    if not hosts:
        raise UsageError(f"{inv.id} has no server with a management address (assets[].manage)")
    options = SshOptions(
        connect_timeout=connect_timeout,
        command_timeout=60.0,
        known_hosts=known_hosts or DEFAULT_KNOWN_HOSTS,
        identity=identity,
        password=Secret.from_env(),
    )
    with output.progress_bar("Preflight", len(hosts), min_total=1) as advance:
        results = run_preflight(
            hosts, ParamikoConnector(options), policy, progress=lambda r: advance()
        )
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
    from lsg_infra.provision.runner import run_playbook

    inv = _one(lsg, inventory)
    variables = _extra_vars(extra_vars) if extra_vars is not None else None
    data = ansible_inventory(
        inv,
        tier=_tier(inv, blueprints),
        connection=_connection(inv, known_hosts, identity, ssh_config),
    )
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

        result = run_playbook(
            data,
            run_dir=run_dir.resolve() / inv.id,
            playbooks=playbooks.resolve() if playbooks else None,
            check=check,
            limit=limit,
            tags=split_tags,
            forks=forks,
            extravars=variables,
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
