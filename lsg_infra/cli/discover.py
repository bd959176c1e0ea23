"""`lsg discover`: ask the servers themselves (over SSH) what they are and run.

Exit code 0 when every host answered, 1 when any did not (each with its reason),
2 for bad input or options.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lsg_infra import api
from lsg_infra.cli import output
from lsg_infra.cli.main_options import InventoryOpt, RowsFormatOpt, finite, inventory_paths
from lsg_infra.cli.output import Format
from lsg_infra.errors import UsageError


@contextmanager
def _progress(total: int) -> Iterator[Callable[[Any], None]]:
    """A bar on stderr for a terminal: hosts take seconds each, so even a few deserve one."""
    if not output.err_console.is_terminal:
        yield lambda result: None
        return
    with Progress(
        TextColumn("Discovering"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
        console=output.err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("discover", total=total, last="")
        yield lambda result: progress.update(
            task, advance=1, last=f"{result.target.key}: {result.status.value}"
        )


def _summary(result: Any) -> dict[str, Any]:
    f = result.facts
    row: dict[str, Any] = {
        "lsg": result.target.lsg_id,
        "asset": result.target.asset_id,
        "address": result.target.address,
        "status": result.status.value,
        "reason": result.reason,
        "seconds": round(result.seconds, 2),
    }
    if f is not None:
        row.update(
            hostname=f.hostname,
            os=" ".join(filter(None, [f.os.name, f.os.version])) if f.os else None,
            kernel=f.kernel.release if f.kernel else None,
            virtualisation=f.virtualisation,
            cpu_cores=f.cpu.cores if f.cpu else None,
            ram_gb=f.memory.total_gb if f.memory else None,
            packages=len(f.packages.installed) if f.packages else None,
            listening=sorted({s.port for s in f.listening}),
            warnings=list(result.warnings),
            discovered_at=result.discovered_at.isoformat() if result.discovered_at else None,
        )
    return row


def discover(
    lsgs: Annotated[
        list[str] | None,
        typer.Argument(help="LSG ids or slugs (default: every LSG).", metavar="[LSG]..."),
    ] = None,
    host: Annotated[
        list[str] | None,
        typer.Option("--host", help="Only this asset (srv-01 or rs-kikinda/srv-01); repeatable."),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, max=256, help="Hosts at a time.")] = 20,
    connect_timeout: Annotated[
        float,
        typer.Option(min=0.5, max=600, callback=finite, help="Seconds to connect and log in."),
    ] = 10.0,
    command_timeout: Annotated[
        float, typer.Option(min=1, max=3600, callback=finite, help="Seconds for the facts script.")
    ] = 60.0,
    known_hosts: Annotated[
        Path,
        typer.Option(help="known_hosts file the host keys are checked against."),
    ] = Path("~/.ssh/known_hosts"),
    accept_new: Annotated[
        bool,
        typer.Option(
            "--accept-new",
            help="Trust and record the key of a host not in known_hosts (never a changed key).",
        ),
    ] = False,
    identity: Annotated[
        Path | None, typer.Option("--identity", help="Private key file (default: agent, ~/.ssh).")
    ] = None,
    ask_password: Annotated[
        bool,
        typer.Option(
            "--ask-password", help="Prompt for an SSH password (or set LSG_SSH_PASSWORD)."
        ),
    ] = False,
    ssh_config: Annotated[
        Path | None,
        typer.Option(
            help="OpenSSH-style config overriding addresses (Host = management host or "
            "lsg-id/asset-id; HostName, Port, User, IdentityFile).",
            envvar="LSG_SSH_CONFIG",
        ),
    ] = None,
    no_write: Annotated[
        bool, typer.Option("--no-write", help="Do not write the .discovered.yaml files.")
    ] = False,
    inventory: InventoryOpt = None,
    fmt: RowsFormatOpt = Format.table,
) -> None:
    """Collect facts from every server with a management address (SSH, in parallel)."""
    api.require_extra("discovery", "lsg discover")

    if fmt is Format.csv:
        raise UsageError("--format csv is not supported here; use table or json")
    inventories = api.load_inventories(inventory_paths(inventory), only=list(lsgs or []))
    password = getpass.getpass("SSH password: ") if ask_password else None
    if identity is not None and not identity.expanduser().is_file():
        raise UsageError(f"--identity {identity}: no such file")
    options = api.ssh_options(
        connect_timeout=connect_timeout,
        command_timeout=command_timeout,
        known_hosts=known_hosts,
        accept_new=accept_new,
        identity=identity,
        password=password,
    )
    count = len(api.ssh_targets(inventories, hosts=host or [], ssh_config=ssh_config))
    if count == 0:
        raise UsageError("no asset with a management address (manage: {host: ...}) to discover")
    with _progress(count) as advance:
        run = api.discover(
            inventories,
            options,
            hosts=host or [],
            workers=workers,
            ssh_config=ssh_config,
            write=not no_write,
            progress=advance,
        )
    rows = [_summary(r) for r in run.results]
    if fmt is Format.json:
        output.print_json(
            {"hosts": rows, "written": [str(p) for p in run.written], "all_ok": run.all_ok}
        )
    else:
        output.print_table(
            f"{len(rows)} host(s), {sum(r.ok for r in run.results)} ok",
            ["lsg", "asset", "address", "status", "s", "os", "cores", "RAM GB", "reason"],
            (
                [
                    r["lsg"],
                    r["asset"],
                    r["address"],
                    r["status"],
                    f"{r['seconds']:.1f}",
                    r.get("os"),
                    r.get("cpu_cores"),
                    r.get("ram_gb"),
                    r["reason"],
                ]
                for r in rows
            ),
            right=["s", "cores", "RAM GB"],
        )
        for path in run.written:
            output.error(f"wrote {path}")
    if not run.all_ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("discover")(discover)
